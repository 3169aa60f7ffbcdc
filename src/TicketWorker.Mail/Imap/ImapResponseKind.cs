namespace TicketWorker.Mail.Imap;

/// <summary>The three kinds of server responses (RFC 3501 §2.2.2).</summary>
internal enum ImapResponseKind
{
    Untagged,
    Tagged,
    Continuation,
}
