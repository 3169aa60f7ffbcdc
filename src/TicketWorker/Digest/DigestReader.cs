using TicketWorker.Escalation;
using TicketWorker.Rules;
using TicketWorker.Storage;

namespace TicketWorker.Digest;

/// <summary>
/// Reads the figures of a day's digest from the tickets table (any of the three databases): two
/// queries, one for the tickets that did something in the chart's 14 days, one aggregate for the
/// backlog at the end of the day; percentiles and per-agent and per-team rows are computed here.
/// </summary>
/// <remarks>
/// <para>Durations are business time on the calendar of each ticket's team (the SLA's calendar; every hour counts
/// without <c>business_hours</c>), from creation to the first agent reply or to the close.</para>
/// <para>A breach on the day is an SLA due time (migration 005: <c>first_response_due_at</c>, <c>resolution_due_at</c>)
/// that fell on the day and was not met by then; a ticket whose clock was paused (pending) before its due time has
/// not breached it. Overdue in the backlog: resolution due before the end of the day, clock not paused before it.</para>
/// <para>Attribution: new tickets, breaches and the backlog go by the ticket's current owner and team. An answer
/// goes to the agent who gave the first response: the verified agent mail (inbound, kind <c>agent</c>) last stored
/// at or before <c>first_response_at</c> (within <see cref="SameMailWindow"/>). A close goes to the agent whose mail carried <c>#close</c> (the inbound
/// agent mail, kind <c>agent</c> or <c>note</c>, last stored at or before <c>closed_at</c>, within the same window: only agent mail and
/// auto-close close a ticket), or to "(auto-close)" when the auto-close mail was queued at or after <c>closed_at</c>.
/// No event table exists, so when no such mail is stored (tickets answered or closed some other way, or from
/// before agents answered by mail) the row is "(not recorded)" rather than a guess.</para>
/// </remarks>
public sealed class DigestReader(StorageDatabase database)
{
    /// <summary>The chart covers this many days, ending with the reported day.</summary>
    public const int ChartDays = 14;

    private readonly SqlRunner sql = new(database);

    /// <summary>
    /// How long before <c>first_response_at</c> or <c>closed_at</c> the agent mail that set it may have been stored: the
    /// two are written in one transaction, moments apart (a whole intake batch shares one, hence minutes, not milliseconds).
    /// </summary>
    public static readonly TimeSpan SameMailWindow = TimeSpan.FromMinutes(5);

    /// <summary>The row of answers or closes whose agent is not stored (see the remarks).</summary>
    public const string NotRecorded = "(not recorded)";

    /// <summary>The row of tickets the escalation scan closed after the customer's silence.</summary>
    public const string AutoClose = "(auto-close)";

    // Anything that happened in the chart's window; the answered and breach conditions only matter on the day itself.
    private const string ActivitySql = """
        SELECT id, number, owner, team, created_at, first_response_at, closed_at, first_response_due_at, resolution_due_at, sla_paused_at
        FROM tickets
        WHERE (created_at >= @From AND created_at < @To)
           OR (closed_at >= @From AND closed_at < @To)
           OR (first_response_at >= @DayStart AND first_response_at < @To)
           OR (first_response_due_at >= @DayStart AND first_response_due_at < @To)
           OR (resolution_due_at >= @DayStart AND resolution_due_at < @To)
        """;

    // The mail that tells who answered or closed a ticket answered or closed on the day.
    private const string AttributionSql = """
        SELECT m.ticket_id, m.direction, m.kind, m.from_address, m.received_at
        FROM messages m
        WHERE m.ticket_id IN (
                SELECT id FROM tickets
                WHERE (first_response_at >= @DayStart AND first_response_at < @To) OR (closed_at >= @DayStart AND closed_at < @To))
          AND ((m.direction = 'inbound' AND m.kind IN ('agent', 'note')) OR (m.direction = 'outbound' AND m.kind = 'closed'))
        ORDER BY m.ticket_id, m.id
        """;

    // The backlog as it stood at @To: created before, and not closed or closed only later.
    private const string BacklogSql = """
        SELECT owner, team,
            CAST(SUM(CASE WHEN created_at > @OneDay THEN 1 ELSE 0 END) AS bigint) AS under_one_day,
            CAST(SUM(CASE WHEN created_at <= @OneDay AND created_at > @ThreeDays THEN 1 ELSE 0 END) AS bigint) AS one_to_three_days,
            CAST(SUM(CASE WHEN created_at <= @ThreeDays AND created_at > @SevenDays THEN 1 ELSE 0 END) AS bigint) AS three_to_seven_days,
            CAST(SUM(CASE WHEN created_at <= @SevenDays THEN 1 ELSE 0 END) AS bigint) AS over_seven_days,
            CAST(SUM(CASE WHEN resolution_due_at < @To AND (sla_paused_at IS NULL OR sla_paused_at >= resolution_due_at) THEN 1 ELSE 0 END) AS bigint) AS overdue
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
        var mail = await sql.QueryAsync<AttributionMail>(tx, AttributionSql, new { DayStart = dayStart, To = to }, cancellationToken).ConfigureAwait(false);
        var backlog = await sql.QueryAsync<BacklogGroup>(tx, BacklogSql, new
        {
            To = to,
            OneDay = to - TimeSpan.FromDays(1),
            ThreeDays = to - TimeSpan.FromDays(3),
            SevenDays = to - TimeSpan.FromDays(7),
        }, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return Build(day, zone, dayStart, to, activity, mail, backlog, policy);
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
        IReadOnlyList<TicketActivity> activity, IReadOnlyList<AttributionMail> mail, IReadOnlyList<BacklogGroup> backlog, SupportPolicy policy)
    {
        bool OnDay(DateTimeOffset? at) => at >= start && at < end;
        DateOnly LocalDay(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
        var calculator = new SlaCalculator(policy);
        TimeSpan Business(TicketActivity t, DateTimeOffset until) => calculator.CalendarOf(t.Team).BusinessTimeBetween(t.CreatedAt, until);

        var created = activity.Where(t => OnDay(t.CreatedAt)).ToList();
        var answered = activity.Where(t => OnDay(t.FirstResponseAt)).ToList();
        var closed = activity.Where(t => OnDay(t.ClosedAt)).ToList();
        var firstResponseBreached = activity.Where(t => Breached(t.FirstResponseDueAt, t.FirstResponseAt ?? t.ClosedAt, t.SlaPausedAt)).ToList();
        var resolutionBreached = activity.Where(t => Breached(t.ResolutionDueAt, t.ClosedAt, t.SlaPausedAt)).ToList();
        var breached = firstResponseBreached.Concat(resolutionBreached).DistinctBy(t => t.Id).ToList();

        // A due time on the day, not met by then, the clock not stopped (pending) before it.
        bool Breached(DateTimeOffset? due, DateTimeOffset? metAt, DateTimeOffset? pausedAt) =>
            OnDay(due) && (metAt is null || metAt > due) && (pausedAt is null || pausedAt >= due);

        var byTicket = mail.ToLookup(m => m.TicketId);
        // The mail that did it was stored moments before, in the same transaction; an older one did not do it.
        bool Carried(AttributionMail m, DateTimeOffset at) => m.Direction == "inbound" && m.ReceivedAt <= at && m.ReceivedAt >= at - SameMailWindow;
        string Responder(TicketActivity t) =>
            byTicket[t.Id].LastOrDefault(m => m.Kind == "agent" && Carried(m, t.FirstResponseAt!.Value))?.FromAddress ?? NotRecorded;
        string Closer(TicketActivity t)
        {
            var messages = byTicket[t.Id];
            if (messages.Any(m => m.Direction == "outbound" && m.ReceivedAt >= t.ClosedAt)) return AutoClose;
            return messages.LastOrDefault(m => Carried(m, t.ClosedAt!.Value))?.FromAddress ?? NotRecorded;
        }
        var responders = answered.ToDictionary(t => t.Id, Responder);
        var closers = closed.ToDictionary(t => t.Id, Closer);

        var days = Enumerable.Range(0, ChartDays).Select(i => day.AddDays(i + 1 - ChartDays)).ToList();
        var newPerDay = activity.Where(t => t.CreatedAt < end).CountBy(t => LocalDay(t.CreatedAt)).ToDictionary();
        var closedPerDay = activity.Where(t => t.ClosedAt < end).CountBy(t => LocalDay(t.ClosedAt!.Value)).ToDictionary();

        var facts = new DayFacts(created, answered, closed, breached, backlog, t => Business(t, t.FirstResponseAt!.Value));
        var agents = Rows(
            policy.Agents.Select(a => (a.Email, $"{a.Name} <{a.Email}>")).ToList(), "(unassigned)",
            new Keys(t => t.Owner, t => responders[t.Id], t => closers[t.Id], g => g.Owner), facts);
        var teams = Rows(
            policy.Teams.Select(t => (t.Name, t.Name)).ToList(), "(no team)",
            new Keys(t => t.Team, t => t.Team, t => t.Team, g => g.Team), facts);

        return new DigestReport
        {
            Day = day,
            TimeZone = zone,
            Start = start,
            End = end,
            BusinessTime = policy.BusinessHours.Default is not null,
            New = created.Count,
            Answered = answered.Count,
            Closed = closed.Count,
            FirstResponse = DurationSummary.Of(answered.Select(t => Business(t, t.FirstResponseAt!.Value))),
            Resolution = DurationSummary.Of(closed.Select(t => Business(t, t.ClosedAt!.Value))),
            Breached = breached.Count,
            FirstResponseBreached = firstResponseBreached.Count,
            ResolutionBreached = resolutionBreached.Count,
            Backlog = backlog.Select(g => g.Ages).Aggregate(BacklogAges.Empty, (a, b) => a + b),
            Agents = agents,
            Teams = teams,
            Days = days.Select(d => new DigestDay(d, newPerDay.GetValueOrDefault(d), closedPerDay.GetValueOrDefault(d))).ToList(),
        };
    }

    private sealed record DayFacts(List<TicketActivity> Created, List<TicketActivity> Answered, List<TicketActivity> Closed,
        List<TicketActivity> Breached, IReadOnlyList<BacklogGroup> Backlog, Func<TicketActivity, TimeSpan> FirstResponseTime);

    /// <summary>Whose row a ticket counts in: for new tickets, breaches and backlog (owner), answers, closes.</summary>
    private sealed record Keys(Func<TicketActivity, string?> Owner, Func<TicketActivity, string?> Answer, Func<TicketActivity, string?> Close,
        Func<BacklogGroup, string?> Backlog);

    /// <summary>
    /// One row per configured name (even when idle), then per other name seen (e.g. an agent removed from
    /// rules.yaml who still owns tickets), then "(auto-close)" and "(not recorded)" when they have something,
    /// then one for tickets without a name when there are any.
    /// </summary>
    private static List<DigestRow> Rows(IReadOnlyList<(string Name, string Label)> configured, string noneLabel, Keys key, DayFacts facts)
    {
        var comparer = StringComparer.OrdinalIgnoreCase;
        string[] markers = [AutoClose, NotRecorded];
        var seen = facts.Created.Select(key.Owner).Concat(facts.Breached.Select(key.Owner))
            .Concat(facts.Answered.Select(key.Answer)).Concat(facts.Closed.Select(key.Close))
            .Concat(facts.Backlog.Select(key.Backlog)).OfType<string>().Distinct(comparer).ToList();
        var names = configured.ToList();
        names.AddRange(seen.Where(s => !configured.Any(c => comparer.Equals(c.Name, s)) && !markers.Contains(s)).Order(comparer).Select(s => (s, s)));
        names.AddRange(markers.Where(m => seen.Contains(m)).Select(m => (m, m)));

        bool Is(string? value, string? name) => name is null ? value is null : comparer.Equals(value, name);
        DigestRow Row(string? name, string label)
        {
            var mine = facts.Answered.Where(t => Is(key.Answer(t), name)).ToList();
            return new DigestRow(name, label,
                facts.Created.Count(t => Is(key.Owner(t), name)),
                mine.Count,
                facts.Closed.Count(t => Is(key.Close(t), name)),
                facts.Breached.Count(t => Is(key.Owner(t), name)),
                facts.Backlog.Where(g => Is(key.Backlog(g), name)).Select(g => g.Ages).Aggregate(BacklogAges.Empty, (a, b) => a + b),
                DurationSummary.Of(mine.Select(facts.FirstResponseTime)).P50);
        }

        var rows = names.Select(n => Row(n.Name, n.Label)).ToList();
        var none = Row(null, noneLabel);
        if (none.New + none.Answered + none.Closed + none.Breached + none.Backlog.Total > 0) rows.Add(none);
        return rows;
    }

    private sealed class TicketActivity
    {
        public long Id { get; init; }
        public long Number { get; init; }
        public string? Owner { get; init; }
        public string? Team { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset? FirstResponseAt { get; init; }
        public DateTimeOffset? ClosedAt { get; init; }
        public DateTimeOffset? FirstResponseDueAt { get; init; }
        public DateTimeOffset? ResolutionDueAt { get; init; }
        public DateTimeOffset? SlaPausedAt { get; init; }
    }

    private sealed class AttributionMail
    {
        public long TicketId { get; init; }
        public string Direction { get; init; } = "";
        public string Kind { get; init; } = "";
        public string FromAddress { get; init; } = "";
        public DateTimeOffset ReceivedAt { get; init; }
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
