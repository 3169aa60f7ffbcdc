namespace TicketWorker.Mail.Imap;

/// <summary>Why <see cref="ImapClient.IdleAsync"/> returned.</summary>
public enum IdleOutcome
{
    /// <summary>The server reported EXISTS or EXPUNGE.</summary>
    Changed,

    /// <summary>The maximum duration passed without a change; re-issue IDLE.</summary>
    TimedOut,
}
