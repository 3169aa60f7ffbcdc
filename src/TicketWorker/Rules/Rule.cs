namespace TicketWorker.Rules;

/// <summary>One entry of <c>rules:</c>: a name, a condition (null: always) and actions.</summary>
public sealed record Rule(string Name, Condition? When, RuleActions Then);
