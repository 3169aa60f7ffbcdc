namespace TicketWorker.Storage;

/// <summary>A row of <c>rule_decisions</c>: what a rule did to a ticket.</summary>
public sealed record RuleDecisionRecord
{
    /// <summary>The ticket's <see cref="TicketRecord.Id"/>.</summary>
    public long TicketId { get; init; }

    /// <summary>Name of the rule.</summary>
    public string RuleName { get; init; } = string.Empty;

    /// <summary>What it did, e.g. "team=billing".</summary>
    public string Action { get; init; } = string.Empty;

    /// <summary>When it decided.</summary>
    public DateTimeOffset DecidedAt { get; init; }
}
