namespace TicketWorker.Mail.Smtp;

/// <summary>What the server answered to one RCPT TO.</summary>
/// <param name="Address">The recipient address.</param>
/// <param name="Reply">The server's reply to RCPT TO.</param>
public sealed record SmtpRecipientResult(string Address, SmtpReply Reply)
{
    /// <summary>True when the server took the recipient (2xx).</summary>
    public bool IsAccepted => Reply.IsSuccess;

    /// <summary>True when the refusal is temporary (4xx): retry this recipient later.</summary>
    public bool IsTransientFailure => Reply.IsTransientFailure;
}
