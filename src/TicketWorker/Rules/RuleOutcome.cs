namespace TicketWorker.Rules;

/// <summary>What the rules decided for a new ticket, and why.</summary>
public sealed record RuleOutcome
{
    /// <summary>Matched rules in order, with the reason each matched.</summary>
    public IReadOnlyList<RuleMatch> Matches { get; init; } = [];

    public string? Team { get; init; }

    /// <summary>Name of the rule that set <see cref="Team"/> (assignment decisions are recorded under it).</summary>
    public string? TeamSetBy { get; init; }

    public string? Owner { get; init; }

    /// <summary>The resulting priority (normal unless a rule or VIP changed it).</summary>
    public string Priority { get; init; } = Priorities.Normal;

    /// <summary>True when a rule set the priority (VIP then does not raise it).</summary>
    public bool PrioritySetByRule { get; init; }

    public bool Vip { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? Sla { get; init; }

    /// <summary>The acknowledgement decision for the acknowledgement stage; null: the <c>ack:</c> section decides.</summary>
    public AckDecision? Ack { get; init; }

    /// <summary>Keep the message as ignored, create no ticket.</summary>
    public bool Ignore { get; init; }

    /// <summary>The rule that ignored the message.</summary>
    public string? IgnoredBy { get; init; }

    /// <summary>Every decision in the order taken, to record on the ticket.</summary>
    public IReadOnlyList<RuleDecision> Decisions { get; init; } = [];
}
