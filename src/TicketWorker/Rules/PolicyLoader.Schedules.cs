using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace TicketWorker.Rules;

public static partial class PolicyLoader
{
    private static readonly string[] SlaKeys = ["default", "policies", "pause_pending"];
    private static readonly string[] SlaTargetKeys = ["first_response", "resolution"];
    private static readonly string[] CalendarKeys = ["time_zone", "week", "holidays"];
    private static readonly string[] BusinessHoursKeys = [.. CalendarKeys, "teams"];
    private static readonly string[] DayKeys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    private static readonly string[] AckKeys = ["enabled", "template", "delay", "max_per_day", "estimate"];
    private static readonly string[] EstimateKeys = ["percentile", "window", "min_samples"];
    private static readonly string[] EscalationKeys = ["levels", "auto_close_pending", "scan"];
    private static readonly string[] LevelKeys = ["after", "target", "notify", "raise_priority", "reassign", "tag"];
    private static readonly string[] TargetNames = ["any", "first_response", "resolution"];
    private static readonly string[] NotifyNames = ["owner", "lead", "team"];
    private static readonly string[] ReassignKeys = ["agent", "team"];

    private static SlaSettings ReadSla(YamlNode? node, Reader r)
    {
        if (r.Mapping(node, "sla") is not { } map) return SlaSettings.Empty;
        var policies = new Dictionary<string, SlaPolicy>(StringComparer.OrdinalIgnoreCase);
        string? defaultName = null;
        var pause = true;
        foreach (var (key, _, value) in r.Entries(map, SlaKeys, "sla key"))
        {
            if (key == "pause_pending")
            {
                pause = r.Bool(value, "pause_pending") ?? true;
                continue;
            }
            if (key == "default")
            {
                defaultName = r.String(value, "default");
                if (defaultName is not null) r.Reference(value, "sla", defaultName);
                continue;
            }
            if (r.Mapping(value, "policies") is not { } list) continue;
            foreach (var (k, v) in list.Children)
            {
                var name = (k as YamlScalarNode)?.Value ?? "";
                var targets = new Dictionary<string, SlaTarget>();
                if (r.Mapping(v, $"SLA policy {name}") is { } perPriority)
                {
                    foreach (var (priority, _, t) in r.Entries(perPriority, [.. Priorities.All], "priority"))
                    {
                        if (r.Mapping(t, $"{name} {priority}") is not { } target) continue;
                        BusinessDuration? first = null, resolution = null;
                        foreach (var (tk, _, tv) in r.Entries(target, SlaTargetKeys, "SLA target"))
                            if (tk == "first_response") first = r.BusinessDuration(tv, "first_response"); else resolution = r.BusinessDuration(tv, "resolution");
                        targets[priority] = new SlaTarget(first, resolution);
                    }
                }
                policies[name] = new SlaPolicy(name, targets);
            }
        }
        return new SlaSettings(policies, defaultName) { PausePending = pause };
    }

    private static BusinessHours ReadBusinessHours(YamlNode? node, Reader r)
    {
        if (r.Mapping(node, "business_hours") is not { } map) return BusinessHours.None;
        var calendar = ReadCalendar(map, null, r, BusinessHoursKeys, "business_hours");
        var teams = new Dictionary<string, BusinessCalendar>(StringComparer.OrdinalIgnoreCase);
        if (map.Children.TryGetValue(new YamlScalarNode("teams"), out var teamsNode) && r.Mapping(teamsNode, "teams") is { } perTeam)
        {
            foreach (var (k, v) in perTeam.Children)
            {
                var name = (k as YamlScalarNode)?.Value ?? "";
                r.Reference(k, "team", name);
                if (r.Mapping(v, $"business_hours team {name}") is { } teamMap && ReadCalendar(teamMap, calendar, r, CalendarKeys, "team calendar") is { } c)
                    teams[name] = c;
            }
        }
        return new BusinessHours(calendar, teams);
    }

    /// <summary>A calendar; keys a team calendar leaves out come from <paramref name="inherit"/>.</summary>
    private static BusinessCalendar? ReadCalendar(YamlMappingNode map, BusinessCalendar? inherit, Reader r, string[] keys, string what)
    {
        var zone = inherit?.TimeZone;
        var week = inherit?.Week;
        IReadOnlySet<DateOnly>? holidays = inherit?.Holidays;
        IReadOnlySet<(int, int)>? yearly = inherit?.YearlyHolidays;
        var hasZone = zone is not null;
        foreach (var (key, _, value) in r.Entries(map, keys, $"{what} key"))
        {
            switch (key)
            {
                case "time_zone":
                    var id = r.String(value, "time_zone");
                    if (id is null) break;
                    hasZone = true;
                    try { zone = TimeZoneInfo.FindSystemTimeZoneById(id); }
                    catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
                    {
                        r.Error(value, $"unknown time zone '{id}' (use an IANA id such as Europe/Berlin or America/New_York)");
                    }
                    break;
                case "week":
                    week = ReadWeek(value, r);
                    break;
                case "holidays":
                    var (once, every) = ReadHolidays(value, r);
                    holidays = once;
                    yearly = every;
                    break;
            }
        }
        if (!hasZone) { r.Error(map, $"{what} needs time_zone: (an IANA id such as Europe/Berlin)"); return null; }
        if (zone is null) return null;
        return new BusinessCalendar(zone, week ?? new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>(),
            holidays ?? new HashSet<DateOnly>(), yearly ?? new HashSet<(int, int)>());
    }

    private static Dictionary<DayOfWeek, IReadOnlyList<TimeRange>> ReadWeek(YamlNode node, Reader r)
    {
        var week = new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>();
        if (r.Mapping(node, "week") is not { } map) return week;
        foreach (var (day, _, value) in r.Entries(map, DayKeys, "day"))
        {
            var text = r.String(value, day);
            if (text is null) continue;
            var dow = (DayOfWeek)((Array.IndexOf(DayKeys, day) + 1) % 7);
            if (text.Trim().Equals("closed", StringComparison.OrdinalIgnoreCase)) { week[dow] = []; continue; }
            var ranges = new List<TimeRange>();
            foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var m = HoursPattern().Match(part);
                TimeSpan start = default, end = default;
                if (!m.Success || !TryTime(m.Groups[1].Value, out start) || !TryTime(m.Groups[2].Value, out end) || end <= start)
                {
                    r.Error(value, $"{day}: '{part}' is not a time range (write 09:00-17:00, several separated by commas, or closed)");
                    continue;
                }
                ranges.Add(new TimeRange(start, end));
            }
            week[dow] = ranges;
        }
        return week;
    }

    private static bool TryTime(string text, out TimeSpan time)
    {
        time = default;
        var parts = text.Split(':');
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m)) return false;
        if (m > 59 || h > 24 || (h == 24 && m != 0)) return false;
        time = new TimeSpan(h, m, 0);
        return true;
    }

    private static (HashSet<DateOnly>, HashSet<(int, int)>) ReadHolidays(YamlNode node, Reader r)
    {
        var once = new HashSet<DateOnly>();
        var yearly = new HashSet<(int, int)>();
        if (r.Sequence(node, "holidays") is not { } list) return (once, yearly);
        foreach (var item in list)
        {
            var text = r.String(item, "holiday");
            if (text is null) continue;
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) once.Add(d);
            // 2024 is a leap year, so 02-29 is accepted as a yearly holiday.
            else if (DateOnly.TryParseExact("2024-" + text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var y)) yearly.Add((y.Month, y.Day));
            else r.Error(item, $"holiday '{text}' is not a date (write 2026-12-24 for one day or 12-25 for every year)");
        }
        return (once, yearly);
    }

    private static AckSettings ReadAck(YamlNode? node, Reader r)
    {
        var ack = AckSettings.Default;
        if (r.Mapping(node, "ack") is not { } map) return ack;
        foreach (var (key, _, value) in r.Entries(map, AckKeys, "ack key"))
        {
            switch (key)
            {
                case "enabled": ack = ack with { Enabled = r.Bool(value, "enabled") ?? ack.Enabled }; break;
                case "template":
                    var t = r.String(value, "template");
                    if (t is not null && !TemplateName().IsMatch(t)) r.Error(value, $"template '{t}' is not a template name (letters, digits, - and _)");
                    else if (t is not null) ack = ack with { Template = t };
                    break;
                case "delay": ack = ack with { Delay = r.Duration(value, "delay") ?? ack.Delay }; break;
                case "max_per_day": ack = ack with { MaxPerDay = r.Int(value, "max_per_day", 0, 1000) ?? ack.MaxPerDay }; break;
                case "estimate":
                    if (r.Mapping(value, "estimate") is not { } est) break;
                    var e = ack.Estimate;
                    foreach (var (k, _, v) in r.Entries(est, EstimateKeys, "estimate key"))
                    {
                        e = k switch
                        {
                            "percentile" => e with { Percentile = r.Int(v, "percentile", 1, 100) ?? e.Percentile },
                            "window" => e with { Window = r.Duration(v, "window") ?? e.Window },
                            _ => e with { MinSamples = r.Int(v, "min_samples", 1, 1_000_000) ?? e.MinSamples },
                        };
                    }
                    ack = ack with { Estimate = e };
                    break;
            }
        }
        return ack;
    }

    private static EscalationSettings ReadEscalation(YamlNode? node, Reader r)
    {
        if (r.Mapping(node, "escalation") is not { } map) return EscalationSettings.None;
        var levels = new List<EscalationLevel>();
        TimeSpan? autoClose = null;
        var scan = EscalationSettings.DefaultScan;
        foreach (var (key, _, value) in r.Entries(map, EscalationKeys, "escalation key"))
        {
            if (key == "auto_close_pending") { autoClose = r.Duration(value, "auto_close_pending"); continue; }
            if (key == "scan")
            {
                var cron = r.String(value, "scan");
                if (cron is null) continue;
                if (CronProblem(cron) is { } problem)
                    r.Error(value, $"scan '{cron}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week, e.g. \"0 */5 * * * ?\"): {problem}");
                else scan = cron;
                continue;
            }
            if (r.Sequence(value, "levels") is not { } list) continue;
            foreach (var item in list)
            {
                if (r.Mapping(item, "an escalation level") is not { } level) continue;
                if (ReadLevel(level, levels.Count + 1, r) is not { } read) continue;
                if (levels.Count > 0 && read.Target == levels[^1].Target && read.After.CompareTo(levels[^1].After) <= 0)
                    r.Error(level, $"escalation level {read.Level}: after must be later than level {read.Level - 1}'s");
                levels.Add(read);
            }
        }
        return new EscalationSettings(levels, autoClose) { Scan = scan };
    }

    private static EscalationLevel? ReadLevel(YamlMappingNode map, int number, Reader r)
    {
        BusinessDuration? after = null;
        var target = EscalationTarget.Any;
        var notify = new List<string>();
        var raise = false;
        string? agent = null, team = null;
        var tags = new List<string>();
        foreach (var (key, _, value) in r.Entries(map, LevelKeys, "escalation level key"))
        {
            switch (key)
            {
                case "after": after = r.BusinessDuration(value, "after"); break;
                case "target":
                    var t = r.String(value, "target");
                    if (t is null) break;
                    var i = Array.IndexOf(TargetNames, t);
                    if (i < 0) r.Error(value, $"target must be one of {string.Join(", ", TargetNames)}, not '{t}'{Suggest(t, TargetNames)}");
                    else target = (EscalationTarget)i;
                    break;
                case "notify":
                    foreach (var n in value is YamlSequenceNode seq ? seq.Children : [value])
                    {
                        var who = r.String(n, "notify");
                        if (who is null) continue;
                        if (!NotifyNames.Contains(who)) r.Error(n, $"notify takes {string.Join(", ", NotifyNames)}, not '{who}'{Suggest(who, NotifyNames)}");
                        else notify.Add(who);
                    }
                    break;
                case "raise_priority": raise = r.Bool(value, "raise_priority") ?? false; break;
                case "tag":
                    foreach (var n in value is YamlSequenceNode tagList ? tagList.Children : [value])
                        if (r.String(n, "tag") is { Length: > 0 } tag) tags.Add(tag);
                    break;
                case "reassign":
                    if (r.Mapping(value, "reassign") is not { } re) break;
                    foreach (var (k, _, v) in r.Entries(re, ReassignKeys, "reassign key"))
                    {
                        if (k == "agent") { agent = r.Email(v, "agent"); if (agent is not null) r.Reference(v, "agent", agent); }
                        else { team = r.String(v, "team"); if (team is not null) r.Reference(v, "team", team); }
                    }
                    break;
            }
        }
        if (after is null)
        {
            if (!map.Children.ContainsKey(new YamlScalarNode("after"))) r.Error(map, $"escalation level {number} needs after: (time past the SLA target, e.g. 1h)");
            return null;
        }
        return new EscalationLevel(number, after.Value, target, notify, raise, agent, team) { Tags = tags };
    }

    /// <summary>Why Quartz refuses <paramref name="cron"/>, or null when it is a valid expression.</summary>
    internal static string? CronProblem(string cron)
    {
        try
        {
            _ = new Quartz.CronExpression(cron);
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return e.Message.ReplaceLineEndings(" ");
        }
    }

    [GeneratedRegex(@"^(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$")]
    private static partial Regex HoursPattern();
}
