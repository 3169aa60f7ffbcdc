namespace TicketWorker.Rules;

/// <summary><c>any: [...]</c>: at least one part holds; the reason names the first that did.</summary>
public sealed class AnyCondition(IReadOnlyList<Condition> parts) : Condition
{
    public IReadOnlyList<Condition> Parts { get; } = parts;

    public override string? Match(RuleInput input, Action<FieldCondition>? regexTimedOut = null)
    {
        foreach (var part in Parts)
            if (part.Match(input, regexTimedOut) is { } reason) return reason;
        return null;
    }

    public override string ToString() => "(" + string.Join(" or ", Parts) + ")";
}
