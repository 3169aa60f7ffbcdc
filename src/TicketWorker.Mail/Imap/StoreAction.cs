namespace TicketWorker.Mail.Imap;

/// <summary>What UID STORE does with the given flags (RFC 3501 §6.4.6).</summary>
public enum StoreAction
{
    /// <summary>+FLAGS: add the flags.</summary>
    Add,

    /// <summary>-FLAGS: remove the flags.</summary>
    Remove,

    /// <summary>FLAGS: replace all flags.</summary>
    Replace,
}
