using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace TicketWorker.Rules;

public static partial class PolicyLoader
{
    private static readonly string[] RuleKeys = ["name", "when", "then"];
    private static readonly string[] ActionKeys = ["team", "owner", "priority", "tags", "sla", "ack", "ignore", "stop"];
    private static readonly string[] Combinators = ["all", "any", "not"];
    private static readonly string[] OperatorKeys = ["equals", "contains", "regex", "in", "case_sensitive"];
    private static readonly string[] HeaderOperatorKeys = ["name", .. OperatorKeys];
    private static readonly string[] ConditionKeys = [.. Combinators, .. FieldCondition.Names.Keys];

    private static List<Rule> ReadRules(YamlNode? node, Reader r)
    {
        var rules = new List<Rule>();
        if (r.Sequence(node, "rules") is not { } list) return rules;
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in list)
        {
            if (item is not YamlMappingNode map) { r.Error(item, "each rule must be a mapping with name, when and then"); continue; }
            string? name = null;
            Condition? when = null;
            RuleActions? then = null;
            foreach (var (key, _, value) in r.Entries(map, RuleKeys, "rule key"))
            {
                switch (key)
                {
                    case "name":
                        name = r.String(value, "name");
                        if (name is not null && !names.Add(name)) r.Error(value, $"a rule named '{name}' is already defined (rule names must be unique)");
                        break;
                    case "when": when = ReadCondition(value, r); break;
                    case "then": then = ReadActions(value, r); break;
                }
            }
            if (name is null) r.Error(map, "a rule needs a name:");
            if (then is null) r.Error(map, $"rule '{name}' needs then: (what to do when it matches)");
            if (name is not null && then is not null) rules.Add(new Rule(name, when, then));
        }
        return rules;
    }

    /// <summary>A condition mapping; several keys in one mapping must all hold.</summary>
    private static Condition? ReadCondition(YamlNode node, Reader r)
    {
        if (node is not YamlMappingNode map || map.Children.Count == 0)
        {
            r.Error(node, "a condition must be a mapping, e.g. subject: { contains: refund } or any: [ ... ]");
            return null;
        }
        var parts = new List<Condition>();
        foreach (var (key, keyNode, value) in r.Entries(map, ConditionKeys, "condition"))
        {
            Condition? part = key switch
            {
                "all" or "any" => ReadConditionList(key, value, r),
                "not" => ReadCondition(value, r) is { } inner ? new NotCondition(inner) : null,
                _ => ReadField(key, keyNode, value, r),
            };
            if (part is not null) parts.Add(part);
        }
        return parts.Count == 1 ? parts[0] : new AllCondition(parts);
    }

    private static Condition? ReadConditionList(string key, YamlNode value, Reader r)
    {
        if (value is not YamlSequenceNode seq)
        {
            r.Error(value, $"{key} must be a list of conditions (- subject: {{ contains: x }})");
            return null;
        }
        var parts = seq.Select(n => ReadCondition(n, r)).OfType<Condition>().ToList();
        return key == "all" ? new AllCondition(parts) : new AnyCondition(parts);
    }

    private static FieldCondition? ReadField(string key, YamlNode keyNode, YamlNode value, Reader r)
    {
        var field = FieldCondition.Names[key];
        var isBool = field is ConditionField.HasAttachment or ConditionField.BusinessHours;
        if (value is YamlScalarNode)
        {
            if (field == ConditionField.Header) { r.Error(value, "header needs a mapping: { name: X-Priority, equals: 1 }"); return null; }
            var scalar = isBool ? r.Bool(value, key)?.ToString().ToLowerInvariant() : r.String(value, key);
            return scalar is null ? null : new FieldCondition(field, null, MatchOperator.Equals, [scalar], false);
        }
        if (value is not YamlMappingNode map)
        {
            r.Error(value, $"{key} takes a value or a mapping with one of equals, contains, regex, in");
            return null;
        }
        string? header = null;
        var caseSensitive = false;
        (MatchOperator Op, YamlNode Node)? op = null;
        foreach (var (k, kn, v) in r.Entries(map, field == ConditionField.Header ? HeaderOperatorKeys : OperatorKeys, $"{key} operator"))
        {
            if (k == "name") { header = r.String(v, "header name"); continue; }
            if (k == "case_sensitive") { caseSensitive = r.Bool(v, "case_sensitive") ?? false; continue; }
            if (op is not null) { r.Error(kn, $"{key} has more than one operator; use all: [ ... ] to combine tests"); continue; }
            op = (Enum.Parse<MatchOperator>(k, ignoreCase: true), v);
        }
        if (field == ConditionField.Header && header is null) { r.Error(map, "header needs name: (the header field, e.g. X-Priority)"); return null; }
        if (op is not { } found) { r.Error(map, $"{key} needs one of equals, contains, regex, in"); return null; }
        if (isBool && found.Op != MatchOperator.Equals) { r.Error(found.Node, $"{key} is true or false; only equals applies"); return null; }

        List<string> values;
        if (found.Op == MatchOperator.In)
        {
            if (found.Node is not YamlSequenceNode) { r.Error(found.Node, "in takes a list: [a, b]"); return null; }
            values = r.Strings(found.Node, "in value");
        }
        else if (isBool) values = r.Bool(found.Node, key) is { } b ? [b.ToString().ToLowerInvariant()] : [];
        else values = r.String(found.Node, found.Op.ToString().ToLowerInvariant()) is { } s ? [s] : [];
        if (values.Count == 0) return null;

        if (found.Op == MatchOperator.Regex)
        {
            try { return new FieldCondition(field, header, found.Op, values, caseSensitive); }
            catch (ArgumentException e)
            {
                r.Error(found.Node, $"bad regex /{values[0]}/: {e.Message}");
                return null;
            }
        }
        return new FieldCondition(field, header, found.Op, values, caseSensitive);
    }

    private static RuleActions? ReadActions(YamlNode node, Reader r)
    {
        if (r.Mapping(node, "then") is not { } map) return null;
        var actions = new RuleActions();
        foreach (var (key, _, value) in r.Entries(map, ActionKeys, "action"))
        {
            switch (key)
            {
                case "team":
                    if (r.String(value, "team") is { } team) { actions = actions with { Team = team }; r.Reference(value, "team", team); }
                    break;
                case "owner":
                    if (r.Email(value, "owner") is { } owner) { actions = actions with { Owner = owner }; r.Reference(value, "agent", owner); }
                    break;
                case "priority":
                    var p = r.String(value, "priority");
                    if (p is null) break;
                    if (!Priorities.IsKnown(p.ToLowerInvariant())) r.Error(value, $"priority must be one of {string.Join(", ", Priorities.All)}, not '{p}'{Suggest(p, [.. Priorities.All])}");
                    else actions = actions with { Priority = p.ToLowerInvariant() };
                    break;
                case "tags":
                    actions = actions with { Tags = r.Strings(value, "tag") };
                    break;
                case "sla":
                    if (r.String(value, "sla") is { } sla) { actions = actions with { Sla = sla }; r.Reference(value, "sla", sla); }
                    break;
                case "ack":
                    var a = r.String(value, "ack");
                    if (a is null) break;
                    actions = actions with
                    {
                        Ack = a.ToLowerInvariant() switch
                        {
                            "true" or "on" or "yes" => new AckDecision(true, null),
                            "false" or "off" or "no" => new AckDecision(false, null),
                            _ => TemplateName().IsMatch(a) ? new AckDecision(true, a) : Invalid(value, a),
                        },
                    };
                    break;
                case "ignore": actions = actions with { Ignore = r.Bool(value, "ignore") ?? false }; break;
                case "stop": actions = actions with { Stop = r.Bool(value, "stop") ?? false }; break;
            }
        }
        return actions;

        AckDecision? Invalid(YamlNode value, string text)
        {
            r.Error(value, $"ack must be true, false or a template name (letters, digits, - and _), not '{text}'");
            return null;
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-]+$")]
    private static partial Regex TemplateName();
}
