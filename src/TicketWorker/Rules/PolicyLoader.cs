using System.Globalization;
using System.Text.RegularExpressions;
using TicketWorker.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TicketWorker.Rules;

/// <summary>
/// Reads rules.yaml with positions, so every error is <c>file:line:col: message</c>. Unknown keys,
/// wrong types, duplicates, bad regexes, durations, dates and time zones, and references to agents,
/// teams or SLA policies that do not exist are errors (a typo must not silently change the support
/// policy). Every error in the file is collected before throwing.
/// </summary>
public static partial class PolicyLoader
{
    private static readonly string[] Sections = ["agents", "teams", "vip", "rules", "sla", "business_hours", "ack", "notify", "escalation", "agent_mail", "digest"];

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
        var stream = new YamlStream();
        try { stream.Load(reader); }
        catch (YamlException e)
        {
            throw new ConfigException(new ConfigError(file, (int)e.Start.Line, (int)e.Start.Column, Clean(e.Message)));
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            return SupportPolicy.Empty;

        var r = new Reader(file);
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            r.Error(stream.Documents[0].RootNode, "rules.yaml must be a mapping of sections (agents:, teams:, rules:, …)");
            throw new ConfigException(r.Errors);
        }

        var sections = new Dictionary<string, YamlNode>();
        foreach (var (key, _, value) in r.Entries(root, Sections, "section"))
            sections[key] = value;
        YamlNode? Section(string name) => sections.GetValueOrDefault(name);

        var agents = ReadAgents(Section("agents"), r);
        var teams = ReadTeams(Section("teams"), agents, r);
        var vip = ReadVip(Section("vip"), r);
        var sla = ReadSla(Section("sla"), r);
        var rules = ReadRules(Section("rules"), r);
        var hours = ReadBusinessHours(Section("business_hours"), r);
        var ack = ReadAck(Section("ack"), r);
        var notify = ReadNotify(Section("notify"), r);
        var escalation = ReadEscalation(Section("escalation"), r);
        var digest = ReadDigest(Section("digest"), r);
        var agentMail = ReadAgentMail(Section("agent_mail"), r);
        var policy = new SupportPolicy(agents, teams)
        {
            Vip = vip,
            Rules = rules,
            Sla = sla,
            BusinessHours = hours,
            Ack = ack,
            Notify = notify,
            Escalation = escalation,
            Digest = digest,
            AgentMail = agentMail,
        };
        r.CheckReferences(policy);
        if (r.Errors.Count > 0) throw new ConfigException([.. r.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
        return policy;
    }

    /// <summary>"did you mean" for near-miss keys.</summary>
    private static string Hint(string key, IReadOnlyCollection<string> known)
    {
        var best = known.MinBy(k => Distance(k, key.ToLowerInvariant()));
        return best is not null && Distance(best, key.ToLowerInvariant()) <= 2
            ? $" (did you mean '{best}'?)"
            : $" (known: {string.Join(", ", known)})";
    }

    /// <summary>"did you mean" only when a known value is close; for messages that already list the choices.</summary>
    private static string Suggest(string value, IReadOnlyCollection<string> known)
    {
        var hint = Hint(value, known);
        return hint.StartsWith(" (did you mean", StringComparison.Ordinal) ? hint : "";
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
        var clean = cut >= 0 ? message[(cut + 3)..] : message;
        return clean.StartsWith("Duplicate key", StringComparison.OrdinalIgnoreCase)
            ? $"duplicate key '{clean[13..].Trim()}' (a key may appear once per mapping; the first one is above)"
            : clean;
    }

    /// <summary>
    /// Calendar durations as admins write them (<c>ack.delay</c>, <c>ack.estimate.window</c>,
    /// <c>escalation.auto_close_pending</c>): <c>30m</c>, <c>4h</c>, <c>2d</c> (24 hours), <c>1w</c> (7 days), <c>1h30m</c>.
    /// </summary>
    internal static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text) || !DurationPattern().IsMatch(text.Trim())) return false;
        foreach (Match m in DurationPart().Matches(text))
        {
            if (!long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 100_000) return false;
            duration += m.Groups[2].Value switch
            {
                "w" => TimeSpan.FromDays(7 * n),
                "d" => TimeSpan.FromDays(n),
                "h" => TimeSpan.FromHours(n),
                "m" => TimeSpan.FromMinutes(n),
                _ => TimeSpan.FromSeconds(n),
            };
        }
        return true;
    }

    /// <summary>
    /// Business durations (SLA targets, escalation <c>after</c>): <c>d</c> is an opening day of the calendar
    /// in force, <c>w</c> five of them, <c>h</c>/<c>m</c>/<c>s</c> business hours, minutes and seconds.
    /// </summary>
    internal static bool TryParseBusinessDuration(string? text, out BusinessDuration duration)
    {
        duration = BusinessDuration.Zero;
        if (string.IsNullOrWhiteSpace(text) || !DurationPattern().IsMatch(text.Trim())) return false;
        long days = 0;
        var time = TimeSpan.Zero;
        foreach (Match m in DurationPart().Matches(text))
        {
            if (!long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 100_000) return false;
            switch (m.Groups[2].Value)
            {
                case "w": days += BusinessDuration.DaysPerWeek * n; break;
                case "d": days += n; break;
                case "h": time += TimeSpan.FromHours(n); break;
                case "m": time += TimeSpan.FromMinutes(n); break;
                default: time += TimeSpan.FromSeconds(n); break;
            }
        }
        if (days > 1_000_000) return false;
        duration = new BusinessDuration((int)days, time);
        return true;
    }

    [GeneratedRegex(@"^(?:\d+[wdhms])+$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"(\d+)([wdhms])")]
    private static partial Regex DurationPart();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
