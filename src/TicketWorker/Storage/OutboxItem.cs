namespace TicketWorker.Storage;

/// <summary>A row of <c>outbox</c>: one message to send, rendered when queued. Times are UTC.</summary>
public sealed record OutboxItem
{
    /// <summary>Database key.</summary>
    public long Id { get; init; }

    /// <summary>Unique intent key (ticket + kind + cause); enqueueing it twice keeps one row.</summary>
    public string IdempotencyKey { get; init; } = string.Empty;

    /// <summary>The ticket's row id, if any.</summary>
    public long? TicketId { get; init; }

    /// <summary>ack, agent-reply, notification, escalation, closed, ...</summary>
    public string Kind { get; init; } = string.Empty;

    /// <summary>Mailbox whose SMTP settings and Sent folder to use.</summary>
    public string? Mailbox { get; init; }

    /// <summary>Envelope sender (MAIL FROM).</summary>
    public string? EnvelopeFrom { get; init; }

    /// <summary>Envelope recipients (RCPT TO), stored as a JSON array.</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];

    /// <summary>Message-ID of the rendered message, without angle brackets.</summary>
    public string MessageId { get; init; } = string.Empty;

    /// <summary>The rendered message, exactly the bytes to send (empty until composed for a row queued with a <see cref="Recipe"/>).</summary>
    public byte[] Raw { get; init; } = [];

    /// <summary>
    /// What the sender composes the message from when the row is queued without bytes (JSON, read by the
    /// <see cref="Outbox.IOutboxComposer"/> of its kind); the Message-ID and Date are fixed at queueing all the same.
    /// </summary>
    public string? Recipe { get; init; }

    /// <summary>Queued, sending, sent or failed.</summary>
    public OutboxStatus Status { get; init; } = OutboxStatus.Queued;

    /// <summary>How many times a worker claimed it.</summary>
    public int Attempts { get; init; }

    /// <summary>Not to be sent before this time.</summary>
    public DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>The last error (SMTP reply or exception message).</summary>
    public string? LastError { get; init; }

    /// <summary>Worker holding the claim.</summary>
    public string? ClaimedBy { get; init; }

    /// <summary>The claim expires at this time (then another worker may take it).</summary>
    public DateTimeOffset? ClaimedUntil { get; init; }

    /// <summary>When it was queued.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the SMTP server accepted it.</summary>
    public DateTimeOffset? SentAt { get; init; }
}
