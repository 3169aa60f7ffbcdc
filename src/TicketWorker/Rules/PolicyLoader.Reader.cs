using System.Globalization;
using TicketWorker.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TicketWorker.Rules;

public static partial class PolicyLoader
{
    /// <summary>Typed reads of YAML nodes that collect errors with positions instead of throwing.</summary>
    private sealed class Reader(string file)
    {
        private readonly List<(YamlNode Node, string Kind, string Name)> _references = [];

        public List<ConfigError> Errors { get; } = [];

        public void Error(YamlNode node, string message) =>
            Errors.Add(new ConfigError(file, (int)node.Start.Line, (int)node.Start.Column, message));

        public static bool IsNull(YamlNode? node) =>
            node is null || node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" };

        /// <summary>The entries of a mapping; unknown keys are reported with a hint and skipped.</summary>
        public IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value)> Entries(YamlMappingNode map, IReadOnlyCollection<string> known, string what)
        {
            foreach (var (k, v) in map.Children)
            {
                var key = (k as YamlScalarNode)?.Value ?? "";
                if (!known.Contains(key)) { Error(k, $"unknown {what} '{key}'{Hint(key, known)}"); continue; }
                yield return (key, k, v);
            }
        }

        public YamlMappingNode? Mapping(YamlNode? node, string what)
        {
            if (IsNull(node)) return null;
            if (node is YamlMappingNode map) return map;
            Error(node!, $"{what} must be a mapping (key: value lines)");
            return null;
        }

        public YamlSequenceNode? Sequence(YamlNode? node, string what)
        {
            if (IsNull(node)) return null;
            if (node is YamlSequenceNode list) return list;
            Error(node!, $"{what} must be a list (- item lines or [a, b])");
            return null;
        }

        public string? String(YamlNode node, string what)
        {
            if (node is YamlScalarNode s && !IsNull(s)) return s.Value;
            Error(node, IsNull(node) ? $"{what} needs a value" : $"{what} must be a single value, not a {(node is YamlSequenceNode ? "list" : "mapping")}");
            return null;
        }

        /// <summary>A single value or a list of values.</summary>
        public List<string> Strings(YamlNode node, string what)
        {
            if (IsNull(node)) return [];
            if (node is YamlSequenceNode seq) return seq.Select(n => String(n, what)).OfType<string>().ToList();
            return String(node, what) is { } one ? [one] : [];
        }

        public bool? Bool(YamlNode node, string what)
        {
            var s = String(node, what);
            if (s is null) return null;
            if (bool.TryParse(s, out var b)) return b;
            Error(node, $"{what} must be true or false, not '{s}'");
            return null;
        }

        public int? Int(YamlNode node, string what, int min, int max)
        {
            var s = String(node, what);
            if (s is null) return null;
            if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
            Error(node, $"{what} must be a whole number from {min} to {max}, not '{s}'");
            return null;
        }

        public TimeSpan? Duration(YamlNode node, string what)
        {
            var s = String(node, what);
            if (s is null) return null;
            if (TryParseDuration(s, out var d)) return d;
            Error(node, $"{what}: '{s}' is not a duration (write e.g. 30m, 4h, 2d, 1w or 1h30m)");
            return null;
        }

        public BusinessDuration? BusinessDuration(YamlNode node, string what)
        {
            var s = String(node, what);
            if (s is null) return null;
            if (TryParseBusinessDuration(s, out var d)) return d;
            Error(node, $"{what}: '{s}' is not a duration (write e.g. 30m, 4h, 2d, 1w or 1d4h; d is an opening day, h and m business hours and minutes)");
            return null;
        }

        public DateOnly? Date(YamlNode node, string what)
        {
            var s = String(node, what);
            if (s is null) return null;
            if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
            Error(node, $"{what}: '{s}' is not a date (write YYYY-MM-DD, e.g. 2026-12-24)");
            return null;
        }

        public string? Email(YamlNode node, string what)
        {
            var s = String(node, what);
            if (s is null) return null;
            if (EmailPattern().IsMatch(s)) return s;
            Error(node, $"'{s}' is not an email address");
            return null;
        }

        /// <summary>Remembers a reference to an agent, team or SLA policy, checked once everything is read.</summary>
        public void Reference(YamlNode node, string kind, string name) => _references.Add((node, kind, name));

        public void CheckReferences(SupportPolicy policy)
        {
            foreach (var (node, kind, name) in _references)
            {
                var (known, exists) = kind switch
                {
                    "agent" => (policy.Agents.Select(a => a.Email).ToList(), policy.FindAgent(name) is not null),
                    "team" => (policy.Teams.Select(t => t.Name).ToList(), policy.FindTeam(name) is not null),
                    _ => (policy.Sla.Policies.Keys.ToList(), policy.Sla.Find(name) is not null),
                };
                if (exists) continue;
                var what = kind == "sla" ? "SLA policy" : kind;
                var where = kind switch { "agent" => "agents:", "team" => "teams:", _ => "sla: policies:" };
                Error(node, known.Count == 0 ? $"unknown {what} '{name}' (none defined under {where})" : $"unknown {what} '{name}'{Hint(name, known)}");
            }
        }
    }
}
