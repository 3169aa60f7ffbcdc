namespace TicketWorker.Rules;

/// <summary>The <c>business_hours:</c> section: the default calendar and optional per-team calendars.</summary>
public sealed record BusinessHours(BusinessCalendar? Default, IReadOnlyDictionary<string, BusinessCalendar> Teams)
{
    public static BusinessHours None { get; } = new(null, new Dictionary<string, BusinessCalendar>());

    /// <summary>The team's calendar, else the default one, else null (always open).</summary>
    public BusinessCalendar? For(string? team) =>
        team is not null && Teams.TryGetValue(team, out var c) ? c : Default;
}
