namespace TicketWorker.Outbox;

/// <summary>What the SMTP server said about one sent row: its final reply and the recipients it refused.</summary>
/// <param name="Response">The server's reply to the message data, e.g. <c>2.0.0 Ok: queued as 4F1</c>.</param>
public sealed record SmtpDelivery(string Response, IReadOnlyList<SmtpRefusal> Refused)
{
    /// <summary>The server's queue id when its reply names one (Postfix: "queued as X"), else null.</summary>
    public string? QueueId
    {
        get
        {
            const string marker = "queued as ";
            var at = Response.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
            return at < 0 ? null : Response[(at + marker.Length)..].Split(' ', 2)[0].TrimEnd('.', ')');
        }
    }
}
