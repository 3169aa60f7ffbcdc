using TicketWorker.Replies;
using TicketWorker.Rules;
using TicketWorker.Storage;

namespace TicketWorker.Escalation;

/// <summary>
/// The SLA arithmetic of one support policy, no I/O: a ticket's due times, and when each escalation
/// level fires. Targets and <c>after</c> are business durations on the calendar of the ticket's team
/// (else the default calendar; without <c>business_hours</c> every hour counts, UTC).
/// </summary>
public sealed class SlaCalculator(SupportPolicy policy)
{
    private readonly EstimatePolicy calendars = EstimatePolicy.From(policy);

    public SupportPolicy Policy { get; } = policy;

    /// <summary>The calendar a ticket of <paramref name="team"/> is measured on.</summary>
    public BusinessCalendar CalendarOf(string? team) => calendars.CalendarOfTeam?.Invoke(team) ?? calendars.Calendar;

    /// <summary>The targets for the ticket's SLA policy (else the default policy) and priority; null when none applies.</summary>
    public SlaTarget? TargetOf(TicketRecord ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var sla = Policy.Sla;
        return (sla.Find(ticket.SlaPolicy) ?? sla.Find(sla.Default))?.For(ticket.Priority);
    }

    /// <summary>
    /// Due times from the creation, the targets and the business time paused so far: the target's opening
    /// days and hours from creation, then pushed by the paused business time.
    /// </summary>
    public (DateTimeOffset? FirstResponse, DateTimeOffset? Resolution) DueTimes(TicketRecord ticket, TimeSpan paused)
    {
        var target = TargetOf(ticket);
        var calendar = CalendarOf(ticket.Team);
        DateTimeOffset? Due(BusinessDuration? d) =>
            d is { } duration ? calendar.AddBusinessTime(calendar.Add(ticket.CreatedAt, duration), paused).ToUniversalTime() : null;
        return (Due(target?.FirstResponse), Due(target?.Resolution));
    }

    /// <summary>The target a level measures from, or null when it has none now (first response given, no target).</summary>
    public static DateTimeOffset? TargetDue(EscalationLevel level, TicketRecord ticket, TicketSla sla)
    {
        ArgumentNullException.ThrowIfNull(level);
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(sla);
        var firstResponse = ticket.FirstResponseAt is null ? sla.FirstResponseDueAt : null;
        return level.Target switch
        {
            EscalationTarget.FirstResponse => firstResponse,
            EscalationTarget.Resolution => sla.ResolutionDueAt,
            _ => Earliest(firstResponse, sla.ResolutionDueAt),
        };
    }

    /// <summary>When <paramref name="level"/> fires for the ticket (its <c>after</c> past the target), or null when it cannot.</summary>
    public DateTimeOffset? FireTime(EscalationLevel level, TicketRecord ticket, TicketSla sla)
    {
        ArgumentNullException.ThrowIfNull(level);
        if (TargetDue(level, ticket, sla) is not { } due) return null;
        return CalendarOf(ticket.Team).Add(due, level.After).ToUniversalTime();
    }

    /// <summary>
    /// The next instant the scan must look at the ticket: the earliest fire time of a level not yet fired;
    /// null when the ticket is not open or its clock is paused, or no level is left.
    /// </summary>
    public DateTimeOffset? NextCheck(TicketRecord ticket, TicketSla sla, IReadOnlyCollection<int> fired)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(sla);
        if (ticket.Status != TicketStatus.Open || sla.SlaPausedAt is not null) return null;
        DateTimeOffset? next = null;
        foreach (var level in Policy.Escalation.Levels)
        {
            if (fired.Contains(level.Level)) continue;
            next = Earliest(next, FireTime(level, ticket, sla));
        }
        return next;
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : (a < b ? a : b);
}
