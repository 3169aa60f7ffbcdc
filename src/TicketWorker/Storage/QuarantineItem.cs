namespace TicketWorker.Storage;

/// <summary>A row of <c>quarantine</c>: a message that could not be processed, raw bytes kept.</summary>
public sealed record QuarantineItem
{
    /// <summary>Database key, the id users pass to <c>quarantine show|retry</c>.</summary>
    public long Id { get; init; }

    /// <summary>Reference of the raw bytes in <see cref="RawMailStore"/>.</summary>
    public string RawReference { get; init; } = string.Empty;

    /// <summary>Size of the raw bytes.</summary>
    public long RawSize { get; init; }

    /// <summary>Why it was quarantined (one line).</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary>Mailbox it came from (null for stdin).</summary>
    public string? Mailbox { get; init; }

    /// <summary>IMAP UID in that mailbox.</summary>
    public long? Uid { get; init; }

    /// <summary>When it was quarantined.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was last retried (null: never).</summary>
    public DateTimeOffset? RetriedAt { get; init; }

    /// <summary>How many times it was retried.</summary>
    public int RetryCount { get; init; }

    /// <summary>True once a retry processed it; resolved items are hidden from default listings.</summary>
    public bool Resolved { get; init; }
}
