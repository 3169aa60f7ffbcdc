using TicketWorker.Escalation;

namespace TicketWorker.Replies;

/// <summary>
/// What the resolution estimate needs from the support policy: the calendar (business hours,
/// holidays), the estimate settings, and the SLA resolution target per priority (business time).
/// </summary>
public sealed record EstimatePolicy(
    BusinessCalendar Calendar,
    EstimateSettings Settings,
    Func<string, TimeSpan?> SlaResolutionTarget,
    Func<string?, BusinessCalendar>? CalendarOfTeam = null);
