namespace TicketWorker.Storage;

/// <summary>Lifecycle state of a ticket (stored lower-case: open, pending, closed).</summary>
public enum TicketStatus
{
    /// <summary>Waiting for the support team.</summary>
    Open,

    /// <summary>Waiting for the customer; may auto-close.</summary>
    Pending,

    /// <summary>Resolved.</summary>
    Closed,
}
