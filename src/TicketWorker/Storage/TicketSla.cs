namespace TicketWorker.Storage;

/// <summary>The SLA state of a ticket (columns of <c>tickets</c> added by schema 5). Times are UTC.</summary>
public sealed record TicketSla
{
    /// <summary>When the first response is due (null: no target).</summary>
    public DateTimeOffset? FirstResponseDueAt { get; init; }

    /// <summary>When the resolution is due (null: no target).</summary>
    public DateTimeOffset? ResolutionDueAt { get; init; }

    /// <summary>Set while the SLA clock is paused (the ticket is pending on the customer).</summary>
    public DateTimeOffset? SlaPausedAt { get; init; }

    /// <summary>Business time the clock was paused so far, in whole seconds; due times are pushed by it.</summary>
    public long SlaPausedSeconds { get; init; }

    /// <summary>When the ticket went pending (auto-close counts from it); null unless pending.</summary>
    public DateTimeOffset? PendingSince { get; init; }

    /// <summary>The next instant the escalation scan has something to do for the ticket; null: nothing.</summary>
    public DateTimeOffset? EscalationCheckAt { get; init; }
}
