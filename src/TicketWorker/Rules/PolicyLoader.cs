using System.Text.RegularExpressions;
using TicketWorker.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TicketWorker.Rules;

/// <summary>
/// Reads rules.yaml with positions, so every error is <c>file:line:col: message</c>. Unknown keys,
/// wrong types and duplicates are errors (a typo must not silently change the support policy).
/// </summary>
public static partial class PolicyLoader
{
    private static readonly string[] Sections = ["agents", "teams", "vip", "rules", "sla", "business_hours", "ack", "escalation"];
    private static readonly string[] AgentKeys = ["email", "name", "teams", "language", "away"];

    /// <summary>Loads the file; a missing file is an empty policy. Throws <see cref="ConfigException"/> listing every error.</summary>
    public static SupportPolicy Load(string path)
    {
        if (!File.Exists(path)) return SupportPolicy.Empty;
        var display = AppSettingsLoader.DisplayPath(path);
        using var reader = new StreamReader(path);
        return Parse(reader, display);
    }

    /// <summary>Parses rules YAML from a reader; <paramref name="file"/> names it in errors.</summary>
    public static SupportPolicy Parse(TextReader reader, string file)
    {
        var errors = new List<ConfigError>();
        var stream = new YamlStream();
        try { stream.Load(reader); }
        catch (YamlException e)
        {
            throw new ConfigException(new ConfigError(file, (int)e.Start.Line, (int)e.Start.Column, Clean(e.Message)));
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            return SupportPolicy.Empty;

        void Error(YamlNode node, string message) => errors.Add(new ConfigError(file, (int)node.Start.Line, (int)node.Start.Column, message));

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error(stream.Documents[0].RootNode, "rules.yaml must be a mapping of sections (agents:, teams:, rules:, …)");
            throw new ConfigException(errors);
        }

        var agents = new List<Agent>();
        foreach (var (keyNode, value) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            if (!Sections.Contains(key)) { Error(keyNode, $"unknown section '{key}'{Hint(key, Sections)}"); continue; }
            if (key == "agents") ReadAgents(value, agents, Error);
        }
        if (errors.Count > 0) throw new ConfigException(errors);
        return new SupportPolicy(agents);
    }

    private static void ReadAgents(YamlNode node, List<Agent> agents, Action<YamlNode, string> error)
    {
        if (node is YamlScalarNode { Value: null or "" }) return;
        if (node is not YamlSequenceNode list) { error(node, "agents must be a list (- email: …)"); return; }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in list)
        {
            if (item is not YamlMappingNode map) { error(item, "each agent must be a mapping with email and name"); continue; }
            string? email = null, name = null, language = null;
            var teams = new List<string>();
            var away = false;
            foreach (var (k, v) in map.Children)
            {
                var key = ((YamlScalarNode)k).Value ?? "";
                switch (key)
                {
                    case "email": email = Scalar(v, "email", error); break;
                    case "name": name = Scalar(v, "name", error); break;
                    case "language": language = Scalar(v, "language", error); break;
                    case "away":
                        var s = Scalar(v, "away", error);
                        if (s is not null && !bool.TryParse(s, out away)) error(v, $"away must be true or false, not '{s}'");
                        break;
                    case "teams":
                        if (v is YamlSequenceNode seq) teams.AddRange(seq.Select(t => Scalar(t, "team", error)).OfType<string>());
                        else if (Scalar(v, "teams", error) is { } one) teams.Add(one);
                        break;
                    default: error(k, $"unknown agent key '{key}'{Hint(key, AgentKeys)}"); break;
                }
            }
            if (string.IsNullOrWhiteSpace(email)) { error(map, "an agent needs an email"); continue; }
            if (!EmailPattern().IsMatch(email)) { error(map.Children[new YamlScalarNode("email")], $"'{email}' is not an email address"); continue; }
            if (!seen.Add(email)) { error(map, $"agent {email} is listed twice"); continue; }
            agents.Add(new Agent(email, name ?? email, teams, language, away));
        }
    }

    private static string? Scalar(YamlNode node, string what, Action<YamlNode, string> error)
    {
        if (node is YamlScalarNode s) return s.Value;
        error(node, $"{what} must be a single value");
        return null;
    }

    /// <summary>"did you mean" for near-miss keys.</summary>
    private static string Hint(string key, string[] known)
    {
        var best = known.MinBy(k => Distance(k, key.ToLowerInvariant()));
        return best is not null && Distance(best, key.ToLowerInvariant()) <= 2
            ? $" (did you mean '{best}'?)"
            : $" (known: {string.Join(", ", known)})";
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }

    private static string Clean(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 1, Idx: …) - (…): "; the location is already ours.
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 ? message[(cut + 3)..] : message;
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
