using TicketWorker.Mail.Protocol;

namespace TicketWorker.Mail.Smtp;

/// <summary>
/// The server refused every recipient of a message, so nothing was sent. Transient only when every
/// refusal was (4xx); <see cref="Recipients"/> holds each reply.
/// </summary>
public sealed class SmtpRecipientsRejectedException : MailCommandException
{
    /// <summary>Creates the exception from the refused recipients (at least one).</summary>
    public SmtpRecipientsRejectedException(IReadOnlyList<SmtpRecipientResult> recipients)
        : base(
            "RCPT",
            string.Join("; ", recipients.Select(r => $"<{r.Address}>: {r.Reply}")),
            recipients.All(r => r.IsTransientFailure),
            recipients[0].Reply.Code,
            recipients[0].Reply.EnhancedStatusCode)
    {
        Recipients = recipients;
    }

    /// <summary>Each recipient with the server's reply.</summary>
    public IReadOnlyList<SmtpRecipientResult> Recipients { get; }
}
