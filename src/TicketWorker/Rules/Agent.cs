namespace TicketWorker.Rules;

/// <summary>A support agent from the <c>agents:</c> section of rules.yaml.</summary>
/// <param name="Away">Away indefinitely (<c>away: true</c>).</param>
/// <param name="AwayFrom">First day of an away range (<c>away: {from, to}</c>), inclusive.</param>
/// <param name="AwayTo">Last day of an away range, inclusive.</param>
public sealed record Agent(string Email, string Name, IReadOnlyList<string> Teams, string? Language, bool Away,
    DateOnly? AwayFrom = null, DateOnly? AwayTo = null)
{
    /// <summary>Whether the agent is away on <paramref name="day"/> (flag or date range).</summary>
    public bool IsAwayOn(DateOnly day) =>
        Away || (AwayFrom is { } from && AwayTo is { } to && day >= from && day <= to);
}
