namespace TicketWorker.Rules;

/// <summary><c>not: {...}</c>: the part does not hold.</summary>
public sealed class NotCondition(Condition part) : Condition
{
    public Condition Part { get; } = part;

    public override string? Match(RuleInput input, Action<FieldCondition>? regexTimedOut = null) =>
        Part.Match(input, regexTimedOut) is null ? $"not ({Part})" : null;

    public override string ToString() => $"not ({Part})";
}
