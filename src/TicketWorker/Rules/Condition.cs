namespace TicketWorker.Rules;

/// <summary>A rule's <c>when:</c> tree: a field test or a combination (<c>all</c>, <c>any</c>, <c>not</c>).</summary>
public abstract class Condition
{
    /// <summary>Why the condition holds for <paramref name="input"/>, or null when it does not.</summary>
    /// <param name="regexTimedOut">Called once per condition whose regex hit its match timeout.</param>
    public abstract string? Match(RuleInput input, Action<FieldCondition>? regexTimedOut = null);
}
