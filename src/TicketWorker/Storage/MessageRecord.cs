namespace TicketWorker.Storage;

/// <summary>A row of <c>messages</c>: one inbound or outbound mail of a ticket. Times are UTC.</summary>
public sealed record MessageRecord
{
    /// <summary>Database key.</summary>
    public long Id { get; init; }

    /// <summary>The ticket (its <see cref="TicketRecord.Id"/>) the message belongs to.</summary>
    public long TicketId { get; init; }

    /// <summary>Inbound or outbound.</summary>
    public MessageDirection Direction { get; init; }

    /// <summary>customer, agent, note, ack, notification, escalation, auto-reply, bounce, list, bulk.</summary>
    public string Kind { get; init; } = "customer";

    /// <summary>The Message-ID without angle brackets; unique per database.</summary>
    public string MessageId { get; init; } = string.Empty;

    /// <summary>In-Reply-To (first id, without angle brackets).</summary>
    public string? InReplyTo { get; init; }

    /// <summary>References, oldest first (stored as a JSON array).</summary>
    public IReadOnlyList<string> References { get; init; } = [];

    /// <summary>Sender address.</summary>
    public string From { get; init; } = string.Empty;

    /// <summary>Sender display name.</summary>
    public string? FromName { get; init; }

    /// <summary>To addresses (stored as a JSON array).</summary>
    public IReadOnlyList<string> To { get; init; } = [];

    /// <summary>Cc addresses (stored as a JSON array).</summary>
    public IReadOnlyList<string> Cc { get; init; } = [];

    /// <summary>Subject as decoded.</summary>
    public string? Subject { get; init; }

    /// <summary>The Date header.</summary>
    public DateTimeOffset? Date { get; init; }

    /// <summary>Plain-text body (quoted text stripped or not, as the caller decides).</summary>
    public string? Text { get; init; }

    /// <summary>
    /// What the writer added: <see cref="Text"/> without quoted text and signature; null when not extracted. A stored
    /// inbound message always reads with one: when it was the text itself, it is stored once and read back as that text.
    /// </summary>
    public string? NewText { get; init; }

    /// <summary>HTML body of an inbound mail, when there was one. Our own mail is recorded without it: its HTML is in its outbox row, byte for byte.</summary>
    public string? Html { get; init; }

    /// <summary>Reference of the raw bytes in <see cref="RawMailStore"/>.</summary>
    public string? RawReference { get; init; }

    /// <summary>Size of the raw message in bytes.</summary>
    public long? RawSize { get; init; }

    /// <summary>Mailbox name the message came from (null for outbound or stdin).</summary>
    public string? Mailbox { get; init; }

    /// <summary>IMAP UID in that mailbox.</summary>
    public long? Uid { get; init; }

    /// <summary>When the worker received (or queued) the message.</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Delivery state, outbound only.</summary>
    public DeliveryStatus? Status { get; init; }

    /// <summary>Why delivery failed (SMTP reply or bounce reason).</summary>
    public string? FailureReason { get; init; }

    /// <summary>Attachments (filled by reads that say so; written by AddMessageAsync).</summary>
    public IReadOnlyList<AttachmentRecord> Attachments { get; init; } = [];
}
