namespace TicketWorker.Rules;

/// <summary>A rule's <c>then:</c> block. Null means "not set by this rule".</summary>
public sealed record RuleActions
{
    public string? Team { get; init; }
    public string? Owner { get; init; }
    public string? Priority { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? Sla { get; init; }
    public AckDecision? Ack { get; init; }
    public bool Ignore { get; init; }
    public bool Stop { get; init; }
}
