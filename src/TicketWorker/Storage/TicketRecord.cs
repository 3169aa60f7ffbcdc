namespace TicketWorker.Storage;

/// <summary>A row of <c>tickets</c>. Times are UTC.</summary>
public sealed record TicketRecord
{
    /// <summary>Database key (not shown to users).</summary>
    public long Id { get; init; }

    /// <summary>The ticket number users see (<c>[#N]</c>), sequential per database.</summary>
    public long Number { get; init; }

    /// <summary>Subject of the first message.</summary>
    public string Subject { get; init; } = string.Empty;

    /// <summary>Subject without reply/forward prefixes, for the same-sender fallback.</summary>
    public string NormalizedSubject { get; init; } = string.Empty;

    /// <summary>Open, pending or closed.</summary>
    public TicketStatus Status { get; init; } = TicketStatus.Open;

    /// <summary>Priority name (e.g. low, normal, high, urgent).</summary>
    public string Priority { get; init; } = "normal";

    /// <summary>Team the ticket is routed to.</summary>
    public string? Team { get; init; }

    /// <summary>Address of the owning agent.</summary>
    public string? Owner { get; init; }

    /// <summary>Customer address (lower-case is up to the caller).</summary>
    public string CustomerAddress { get; init; } = string.Empty;

    /// <summary>Customer display name.</summary>
    public string? CustomerName { get; init; }

    /// <summary>Language tag of the customer (e.g. en, fa).</summary>
    public string? Language { get; init; }

    /// <summary>Tags (stored as a JSON array).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Name of the SLA policy in force.</summary>
    public string? SlaPolicy { get; init; }

    /// <summary>When the ticket was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last activity (message, status change, update).</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>First response by an agent.</summary>
    public DateTimeOffset? FirstResponseAt { get; init; }

    /// <summary>When the ticket was closed (null when open or pending).</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>Highest escalation level reached (0 = none).</summary>
    public int EscalationLevel { get; init; }

    /// <summary>Estimated resolution time promised in the acknowledgement.</summary>
    public DateTimeOffset? EstimateDueAt { get; init; }

    /// <summary>Where the estimate came from (e.g. history, sla).</summary>
    public string? EstimateSource { get; init; }

    /// <summary>Number of past tickets the estimate was learned from.</summary>
    public int? EstimateSamples { get; init; }

    /// <summary>The closed ticket this one follows up (<see cref="Id"/> of it).</summary>
    public long? PreviousTicketId { get; init; }

    /// <summary>Plus-address reply token of this ticket (unique).</summary>
    public string? ReplyToken { get; init; }
}
