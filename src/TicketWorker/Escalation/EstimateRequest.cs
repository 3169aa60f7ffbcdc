using TicketWorker.Rules;

namespace TicketWorker.Escalation;

/// <summary>What a new ticket's resolution estimate depends on, besides the history of closed tickets.</summary>
/// <param name="Priority">The new ticket's priority (compared case-insensitively).</param>
/// <param name="Team">The new ticket's team, or null (then all teams' history is used).</param>
/// <param name="Calendar">The team's business calendar: history is measured on it and the due time placed on it.</param>
/// <param name="SlaResolutionTarget">The SLA resolution target for the priority (opening days and business hours), or null when there is none.</param>
/// <param name="Settings">Estimate settings; null means <see cref="EstimateSettings.Default"/>.</param>
/// <param name="CalendarOfTeam">
/// The calendar each past ticket's business time is measured on, by that ticket's team (teams with their
/// own hours); null measures all history on <paramref name="Calendar"/>.
/// </param>
public sealed record EstimateRequest(
    string Priority,
    string? Team,
    BusinessCalendar Calendar,
    BusinessDuration? SlaResolutionTarget,
    EstimateSettings? Settings = null,
    Func<string?, BusinessCalendar>? CalendarOfTeam = null);
