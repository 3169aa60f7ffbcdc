using System.Runtime.CompilerServices;
using TicketWorker.Escalation;
using TicketWorker.Rules;

namespace TicketWorker.Replies;

/// <summary>
/// What the resolution estimate needs from the support policy: the calendar (business hours,
/// holidays; per team where configured), the estimate settings, and the SLA resolution target of a
/// ticket's SLA policy and priority (opening days and business hours).
/// </summary>
public sealed record EstimatePolicy(
    Escalation.BusinessCalendar Calendar,
    Escalation.EstimateSettings Settings,
    Func<string?, string, BusinessDuration?> SlaResolutionTarget,
    Func<string?, Escalation.BusinessCalendar>? CalendarOfTeam = null)
{
    private static readonly ConditionalWeakTable<SupportPolicy, EstimatePolicy> Cache = new();

    /// <summary>The estimate policy of a support policy (built once per loaded rules.yaml).</summary>
    public static EstimatePolicy From(SupportPolicy policy) => Cache.GetValue(policy, Build);

    private static EstimatePolicy Build(SupportPolicy policy)
    {
        // Without business_hours every hour counts (UTC, all week): estimates are then wall-clock time.
        var calendar = policy.BusinessHours.Default is { } c ? Map(c) : new Escalation.BusinessCalendar(AlwaysOpen());
        var teams = policy.BusinessHours.Teams.ToDictionary(t => t.Key, t => Map(t.Value), StringComparer.OrdinalIgnoreCase);
        var e = policy.Ack.Estimate;
        return new EstimatePolicy(
            calendar,
            new Escalation.EstimateSettings { Percentile = e.Percentile, Window = e.Window, MinSamples = e.MinSamples },
            (sla, priority) => (policy.Sla.Find(sla) ?? policy.Sla.Find(policy.Sla.Default))?.For(priority)?.Resolution,
            team => team is not null && teams.TryGetValue(team, out var own) ? own : calendar);
    }

    private static Escalation.BusinessCalendar Map(Rules.BusinessCalendar c) => new(new BusinessCalendarSpec(
        c.TimeZone.Id,
        c.Week.ToDictionary(d => d.Key, d => (IReadOnlyList<DailyInterval>)d.Value.Select(r => new DailyInterval(r.Start, r.End)).ToList()),
        c.Holidays.ToList(),
        c.YearlyHolidays.Select(y => new YearlyDate(y.Month, y.Day)).ToList()));

    private static BusinessCalendarSpec AlwaysOpen() => new("UTC",
        Enum.GetValues<DayOfWeek>().ToDictionary(d => d, _ => (IReadOnlyList<DailyInterval>)[DailyInterval.AllDay]));
}
