namespace TicketWorker.Storage;

/// <summary>Delivery state of an outbound message (stored lower-case).</summary>
public enum DeliveryStatus
{
    /// <summary>In the outbox, not yet accepted by the SMTP server.</summary>
    Queued,

    /// <summary>Accepted by the SMTP server.</summary>
    Sent,

    /// <summary>Refused permanently or bounced.</summary>
    Failed,
}
