using System.Text.RegularExpressions;

namespace TicketWorker.Mail.Smtp;

/// <summary>
/// The outcome of one message: the server took it for <see cref="Accepted"/> recipients and
/// refused the <see cref="Rejected"/> ones (each with its own reply).
/// </summary>
public sealed partial class SmtpSendResult
{
    /// <summary>Creates a result from the per-recipient replies and the reply to the message data.</summary>
    public SmtpSendResult(IReadOnlyList<SmtpRecipientResult> recipients, SmtpReply reply)
    {
        Recipients = recipients;
        Reply = reply;
        var match = QueuedAsPattern().Match(reply.Text);
        QueueId = match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>Every recipient in envelope order.</summary>
    public IReadOnlyList<SmtpRecipientResult> Recipients { get; }

    /// <summary>The recipients the message was delivered to the server for.</summary>
    public IEnumerable<SmtpRecipientResult> Accepted => Recipients.Where(r => r.IsAccepted);

    /// <summary>The recipients the server refused.</summary>
    public IEnumerable<SmtpRecipientResult> Rejected => Recipients.Where(r => !r.IsAccepted);

    /// <summary>The server's reply after the message data ("250 2.0.0 Ok: queued as …").</summary>
    public SmtpReply Reply { get; }

    /// <summary>The server's queue id when its reply names one ("queued as X", "id=X"), else null.</summary>
    public string? QueueId { get; }

    [GeneratedRegex(@"(?:queued as|id=)\s*([A-Za-z0-9._\-]+)", RegexOptions.IgnoreCase)]
    private static partial Regex QueuedAsPattern();
}
