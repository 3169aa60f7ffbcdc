namespace TicketWorker.Storage;

/// <summary>State of an outbox row (stored lower-case).</summary>
public enum OutboxStatus
{
    /// <summary>Waiting for its next attempt time.</summary>
    Queued,

    /// <summary>Claimed by a worker until <see cref="OutboxItem.ClaimedUntil"/>.</summary>
    Sending,

    /// <summary>Accepted by the SMTP server.</summary>
    Sent,

    /// <summary>Failed permanently; <see cref="OutboxItem.LastError"/> says why.</summary>
    Failed,
}
