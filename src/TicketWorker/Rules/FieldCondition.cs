using System.Text.RegularExpressions;

namespace TicketWorker.Rules;

/// <summary>
/// One test on one field, e.g. <c>subject: { contains: urgent }</c>. A field with several values
/// (to, cc, a repeated header) holds when any value matches.
/// </summary>
public sealed class FieldCondition : Condition
{
    /// <summary>Regex match timeout: a catastrophic pattern must not stall intake; a timeout is "no match".</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    private int _timeoutReported;

    public FieldCondition(ConditionField field, string? headerName, MatchOperator op, IReadOnlyList<string> values, bool caseSensitive)
    {
        Field = field;
        HeaderName = headerName;
        Operator = op;
        Values = values;
        CaseSensitive = caseSensitive;
        if (op == MatchOperator.Regex)
            Pattern = new Regex(values[0], (caseSensitive ? RegexOptions.None : RegexOptions.IgnoreCase) | RegexOptions.CultureInvariant, RegexTimeout);
    }

    public ConditionField Field { get; }
    public string? HeaderName { get; }
    public MatchOperator Operator { get; }
    public IReadOnlyList<string> Values { get; }
    public bool CaseSensitive { get; }
    public Regex? Pattern { get; }

    /// <summary>The YAML name of the field, as reasons print it.</summary>
    public string FieldName => Field == ConditionField.Header ? $"header {HeaderName}" : Names.First(n => n.Value == Field).Key;

    /// <summary>The YAML field names.</summary>
    public static IReadOnlyDictionary<string, ConditionField> Names { get; } = new Dictionary<string, ConditionField>
    {
        ["from"] = ConditionField.From,
        ["from_domain"] = ConditionField.FromDomain,
        ["to"] = ConditionField.To,
        ["cc"] = ConditionField.Cc,
        ["subject"] = ConditionField.Subject,
        ["body"] = ConditionField.Body,
        ["header"] = ConditionField.Header,
        ["has_attachment"] = ConditionField.HasAttachment,
        ["language"] = ConditionField.Language,
        ["business_hours"] = ConditionField.BusinessHours,
        ["kind"] = ConditionField.Kind,
    };

    public override string? Match(RuleInput input, Action<FieldCondition>? regexTimedOut = null)
    {
        foreach (var value in FieldValues(input))
            if (MatchValue(value, regexTimedOut) is { } how) return $"{FieldName} {how}";
        return null;
    }

    public override string ToString() => Operator switch
    {
        MatchOperator.Equals => $"{FieldName} is \"{Values[0]}\"",
        MatchOperator.Contains => $"{FieldName} contains \"{Values[0]}\"",
        MatchOperator.Regex => $"{FieldName} matches /{Values[0]}/",
        _ => $"{FieldName} in [{string.Join(", ", Values)}]",
    };

    private IEnumerable<string> FieldValues(RuleInput input) => Field switch
    {
        ConditionField.From => [input.From],
        ConditionField.FromDomain => [input.FromDomain],
        ConditionField.To => input.To,
        ConditionField.Cc => input.Cc,
        ConditionField.Subject => [input.Subject],
        ConditionField.Body => [input.Body],
        ConditionField.Header => input.HeaderValues(HeaderName!),
        ConditionField.HasAttachment => [input.HasAttachment ? "true" : "false"],
        ConditionField.Language => input.Language is { } l ? [l] : [],
        ConditionField.BusinessHours => [input.InBusinessHours ? "true" : "false"],
        ConditionField.Kind => [input.Kind],
        _ => [],
    };

    private string? MatchValue(string value, Action<FieldCondition>? regexTimedOut)
    {
        var comparison = CaseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        switch (Operator)
        {
            case MatchOperator.Equals:
                return string.Equals(value.Trim(), Values[0], comparison) ? $"is \"{Values[0]}\"" : null;
            case MatchOperator.In:
                var hit = Values.FirstOrDefault(v => string.Equals(value.Trim(), v, comparison));
                return hit is null ? null : $"is \"{hit}\" (in list)";
            case MatchOperator.Contains:
                return value.Contains(Values[0], comparison) ? $"contains \"{Values[0]}\"" : null;
            case MatchOperator.Regex:
                try
                {
                    return Pattern!.IsMatch(value) ? $"matches /{Values[0]}/" : null;
                }
                catch (RegexMatchTimeoutException)
                {
                    if (Interlocked.Exchange(ref _timeoutReported, 1) == 0) regexTimedOut?.Invoke(this);
                    return null;
                }
            default:
                return null;
        }
    }
}
