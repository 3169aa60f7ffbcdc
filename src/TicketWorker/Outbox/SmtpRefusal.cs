namespace TicketWorker.Outbox;

/// <summary>One recipient the SMTP server refused: its address, reply code and text.</summary>
public sealed record SmtpRefusal(string Address, int Code, string Text)
{
    /// <summary>RFC 5321 §4.2.1: a 4yz reply is transient, worth trying again later.</summary>
    public bool IsTransient => Code is >= 400 and < 500;

    /// <inheritdoc/>
    public override string ToString() => $"<{Address}>: {Code} {Text.ReplaceLineEndings(" ")}";
}
