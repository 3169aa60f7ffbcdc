namespace TicketWorker.Storage;

/// <summary>Whether a message came in or was sent by us (stored lower-case).</summary>
public enum MessageDirection
{
    /// <summary>Received from a mailbox or <c>ingest</c>.</summary>
    Inbound,

    /// <summary>Sent (or queued) by the worker.</summary>
    Outbound,
}
