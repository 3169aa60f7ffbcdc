namespace TicketWorker.Rules;

/// <summary>One decision to record on the ticket: which rule (or <c>vip</c>) did what.</summary>
public sealed record RuleDecision(string Rule, string Action);
