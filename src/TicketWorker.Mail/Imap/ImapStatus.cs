namespace TicketWorker.Mail.Imap;

/// <summary>Status of a status response (RFC 3501 §7.1).</summary>
internal enum ImapStatus
{
    None,
    Ok,
    No,
    Bad,
    Bye,
    PreAuth,
}
