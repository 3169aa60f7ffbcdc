namespace TicketWorker.Threading;

/// <summary>What threading decided for one message.</summary>
public enum ThreadAction
{
    /// <summary>Open a new ticket.</summary>
    NewTicket,
    /// <summary>Add the message to an existing ticket (reopening it if it was closed and the kind allows).</summary>
    Append,
    /// <summary>The ticket it belongs to was closed too long ago: a new ticket linked to the old one.</summary>
    NewLinkedTicket,
}

/// <summary>The decision, the ticket it concerns and the evidence (shown in logs and ingest output).</summary>
public sealed record ThreadDecision(ThreadAction Action, TicketRef? Ticket, string Reason)
{
    /// <summary>True when appending to a closed ticket within the reopen window.</summary>
    public bool Reopens { get; init; }
}

/// <summary>The little threading needs to know about a ticket.</summary>
public sealed record TicketRef(long Id, long Number, string Status, DateTimeOffset UpdatedAt, DateTimeOffset? ClosedAt)
{
    public bool IsClosed => Status == "closed";
}
