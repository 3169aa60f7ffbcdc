namespace TicketWorker.Rules;

/// <summary>A rule that matched, why, and what it did (e.g. <c>team=sales</c>).</summary>
public sealed record RuleMatch(string Rule, string Reason, IReadOnlyList<string> Actions);
