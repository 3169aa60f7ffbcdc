namespace TicketWorker.Rules;

/// <summary><c>all: [...]</c>: every part holds (an empty list holds).</summary>
public sealed class AllCondition(IReadOnlyList<Condition> parts) : Condition
{
    public IReadOnlyList<Condition> Parts { get; } = parts;

    public override string? Match(RuleInput input, Action<FieldCondition>? regexTimedOut = null)
    {
        var reasons = new List<string>(Parts.Count);
        foreach (var part in Parts)
        {
            if (part.Match(input, regexTimedOut) is not { } reason) return null;
            reasons.Add(reason);
        }
        return reasons.Count == 0 ? "always" : string.Join(" and ", reasons);
    }

    public override string ToString() => string.Join(" and ", Parts);
}
