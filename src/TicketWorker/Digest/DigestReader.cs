using TicketWorker.Rules;
using TicketWorker.Storage;

namespace TicketWorker.Digest;

/// <summary>
/// Reads the figures of a day's digest from the tickets table (any of the three databases): two
/// queries, one for the tickets that did something in the chart's 14 days, one aggregate for the
/// backlog at the end of the day; percentiles and per-agent and per-team rows are computed here.
/// </summary>
/// <remarks>
/// Attribution is by the ticket's current owner and team. A breach is a ticket whose promised
/// resolution time (<c>estimate_due_at</c>, the time the acknowledgement named) fell on the day and
/// that was not closed by then. The backlog is every ticket not closed at the end of the day (open
/// or pending).
/// </remarks>
public sealed class DigestReader(StorageDatabase database)
{
    /// <summary>The chart covers this many days, ending with the reported day.</summary>
    public const int ChartDays = 14;

    private readonly SqlRunner sql = new(database);

    // Anything that happened in the chart's window; the answered and breach conditions only matter on the day itself.
    private const string ActivitySql = """
        SELECT number, owner, team, created_at, first_response_at, closed_at, estimate_due_at FROM tickets
        WHERE (created_at >= @From AND created_at < @To)
           OR (closed_at >= @From AND closed_at < @To)
           OR (first_response_at >= @DayStart AND first_response_at < @To)
           OR (estimate_due_at >= @DayStart AND estimate_due_at < @To)
        """;

    // The backlog as it stood at @To: created before, and not closed or closed only later.
    private const string BacklogSql = """
        SELECT owner, team,
            CAST(SUM(CASE WHEN created_at > @OneDay THEN 1 ELSE 0 END) AS bigint) AS under_one_day,
            CAST(SUM(CASE WHEN created_at <= @OneDay AND created_at > @ThreeDays THEN 1 ELSE 0 END) AS bigint) AS one_to_three_days,
            CAST(SUM(CASE WHEN created_at <= @ThreeDays AND created_at > @SevenDays THEN 1 ELSE 0 END) AS bigint) AS three_to_seven_days,
            CAST(SUM(CASE WHEN created_at <= @SevenDays THEN 1 ELSE 0 END) AS bigint) AS over_seven_days,
            CAST(SUM(CASE WHEN estimate_due_at < @To THEN 1 ELSE 0 END) AS bigint) AS overdue
        FROM tickets
        WHERE created_at < @To AND (status <> 'closed' OR closed_at >= @To)
        GROUP BY owner, team
        """;

    /// <summary>The figures of <paramref name="day"/> in the policy's business time zone (UTC without business hours).</summary>
    public async Task<DigestReport> ReadAsync(DateOnly day, SupportPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var zone = DigestSchedule.TimeZone(policy);
        var from = StartOf(day.AddDays(1 - ChartDays), zone);
        var dayStart = StartOf(day, zone);
        var to = StartOf(day.AddDays(1), zone);

        await using var tx = await database.BeginReadOnlyAsync(cancellationToken).ConfigureAwait(false);
        var activity = await sql.QueryAsync<TicketActivity>(tx, ActivitySql, new { From = from, DayStart = dayStart, To = to }, cancellationToken).ConfigureAwait(false);
        var backlog = await sql.QueryAsync<BacklogGroup>(tx, BacklogSql, new
        {
            To = to,
            OneDay = to - TimeSpan.FromDays(1),
            ThreeDays = to - TimeSpan.FromDays(3),
            SevenDays = to - TimeSpan.FromDays(7),
        }, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return Build(day, zone, dayStart, to, activity, backlog, policy);
    }

    /// <summary>The UTC instant of local midnight starting <paramref name="day"/> (the first valid local time when a DST jump skips midnight).</summary>
    public static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(15);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    private static DigestReport Build(DateOnly day, TimeZoneInfo zone, DateTimeOffset start, DateTimeOffset end,
        IReadOnlyList<TicketActivity> activity, IReadOnlyList<BacklogGroup> backlog, SupportPolicy policy)
    {
        bool OnDay(DateTimeOffset? at) => at >= start && at < end;
        DateOnly LocalDay(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

        var created = activity.Where(t => OnDay(t.CreatedAt)).ToList();
        var answered = activity.Where(t => OnDay(t.FirstResponseAt)).ToList();
        var closed = activity.Where(t => OnDay(t.ClosedAt)).ToList();
        // Resolved late, or not resolved at all, when the promised time came.
        var breached = activity.Where(t => OnDay(t.EstimateDueAt) && (t.ClosedAt is null || t.ClosedAt > t.EstimateDueAt)).ToList();

        var days = Enumerable.Range(0, ChartDays).Select(i => day.AddDays(i + 1 - ChartDays)).ToList();
        var newPerDay = activity.Where(t => t.CreatedAt < end).CountBy(t => LocalDay(t.CreatedAt)).ToDictionary();
        var closedPerDay = activity.Where(t => t.ClosedAt < end).CountBy(t => LocalDay(t.ClosedAt!.Value)).ToDictionary();

        var agents = Rows(
            policy.Agents.Select(a => (a.Email, $"{a.Name} <{a.Email}>")).ToList(), "(unassigned)",
            t => t.Owner, g => g.Owner, created, answered, closed, breached, backlog);
        var teams = Rows(
            policy.Teams.Select(t => (t.Name, t.Name)).ToList(), "(no team)",
            t => t.Team, g => g.Team, created, answered, closed, breached, backlog);

        return new DigestReport
        {
            Day = day,
            TimeZone = zone,
            Start = start,
            End = end,
            New = created.Count,
            Answered = answered.Count,
            Closed = closed.Count,
            FirstResponse = DurationSummary.Of(answered.Select(t => t.FirstResponseAt!.Value - t.CreatedAt)),
            Resolution = DurationSummary.Of(closed.Select(t => t.ClosedAt!.Value - t.CreatedAt)),
            Breached = breached.Count,
            Backlog = backlog.Select(g => g.Ages).Aggregate(BacklogAges.Empty, (a, b) => a + b),
            Agents = agents,
            Teams = teams,
            Days = days.Select(d => new DigestDay(d, newPerDay.GetValueOrDefault(d), closedPerDay.GetValueOrDefault(d))).ToList(),
        };
    }

    /// <summary>
    /// One row per configured name (even when idle), then per other name seen (e.g. an agent removed from
    /// rules.yaml who still owns tickets), then one for tickets without a name when there are any.
    /// </summary>
    private static List<DigestRow> Rows(IReadOnlyList<(string Name, string Label)> configured, string noneLabel,
        Func<TicketActivity, string?> key, Func<BacklogGroup, string?> backlogKey,
        List<TicketActivity> created, List<TicketActivity> answered, List<TicketActivity> closed, List<TicketActivity> breached,
        IReadOnlyList<BacklogGroup> backlog)
    {
        var comparer = StringComparer.OrdinalIgnoreCase;
        var seen = created.Concat(answered).Concat(closed).Concat(breached).Select(key)
            .Concat(backlog.Select(backlogKey)).OfType<string>().Distinct(comparer).ToList();
        var names = configured.ToList();
        names.AddRange(seen.Where(s => !configured.Any(c => comparer.Equals(c.Name, s))).Order(comparer).Select(s => (s, s)));

        bool Is(string? value, string? name) => name is null ? value is null : comparer.Equals(value, name);
        DigestRow Row(string? name, string label)
        {
            var mine = answered.Where(t => Is(key(t), name)).ToList();
            return new DigestRow(name, label,
                created.Count(t => Is(key(t), name)),
                mine.Count,
                closed.Count(t => Is(key(t), name)),
                breached.Count(t => Is(key(t), name)),
                backlog.Where(g => Is(backlogKey(g), name)).Select(g => g.Ages).Aggregate(BacklogAges.Empty, (a, b) => a + b),
                DurationSummary.Of(mine.Select(t => t.FirstResponseAt!.Value - t.CreatedAt)).P50);
        }

        var rows = names.Select(n => Row(n.Name, n.Label)).ToList();
        var none = Row(null, noneLabel);
        if (none.New + none.Answered + none.Closed + none.Breached + none.Backlog.Total > 0) rows.Add(none);
        return rows;
    }

    private sealed class TicketActivity
    {
        public long Number { get; init; }
        public string? Owner { get; init; }
        public string? Team { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset? FirstResponseAt { get; init; }
        public DateTimeOffset? ClosedAt { get; init; }
        public DateTimeOffset? EstimateDueAt { get; init; }
    }

    private sealed class BacklogGroup
    {
        public string? Owner { get; init; }
        public string? Team { get; init; }
        public long UnderOneDay { get; init; }
        public long OneToThreeDays { get; init; }
        public long ThreeToSevenDays { get; init; }
        public long OverSevenDays { get; init; }
        public long Overdue { get; init; }

        public BacklogAges Ages => new((int)UnderOneDay, (int)OneToThreeDays, (int)ThreeToSevenDays, (int)OverSevenDays, (int)Overdue);
    }
}
