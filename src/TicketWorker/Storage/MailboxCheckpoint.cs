namespace TicketWorker.Storage;

/// <summary>A row of <c>mailbox_checkpoints</c>: how far intake got in one mailbox folder.</summary>
public sealed record MailboxCheckpoint
{
    /// <summary>Configured mailbox name.</summary>
    public string Mailbox { get; init; } = string.Empty;

    /// <summary>IMAP folder, e.g. INBOX.</summary>
    public string Folder { get; init; } = "INBOX";

    /// <summary>UIDVALIDITY the UIDs belong to (RFC 9051 §2.3.1.1).</summary>
    public long UidValidity { get; init; }

    /// <summary>Highest UID processed and committed.</summary>
    public long LastUid { get; init; }

    /// <summary>Last successful poll or IDLE wake-up.</summary>
    public DateTimeOffset? LastPollAt { get; init; }

    /// <summary>Whether the worker is connected now.</summary>
    public bool Connected { get; init; }

    /// <summary>Last connection or login error (one line), null when fine.</summary>
    public string? LastError { get; init; }

    /// <summary>Messages known to be waiting (EXISTS minus processed), if known.</summary>
    public long? Backlog { get; init; }
}
