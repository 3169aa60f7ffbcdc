namespace TicketWorker.Rules;

/// <summary>Week hours, holidays and time zone: when support is open.</summary>
/// <param name="Week">Opening ranges per day of week (absent or empty: closed).</param>
/// <param name="Holidays">One-off closed days.</param>
/// <param name="YearlyHolidays">Closed every year on this month and day.</param>
public sealed record BusinessCalendar(
    TimeZoneInfo TimeZone,
    IReadOnlyDictionary<DayOfWeek, IReadOnlyList<TimeRange>> Week,
    IReadOnlySet<DateOnly> Holidays,
    IReadOnlySet<(int Month, int Day)> YearlyHolidays)
{
    /// <summary>Whether the local day of <paramref name="day"/> is a holiday.</summary>
    public bool IsHoliday(DateOnly day) => Holidays.Contains(day) || YearlyHolidays.Contains((day.Month, day.Day));

    /// <summary>Whether support is open at this instant.</summary>
    public bool IsOpen(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, TimeZone);
        var day = DateOnly.FromDateTime(local.DateTime);
        if (IsHoliday(day)) return false;
        return Week.TryGetValue(local.DayOfWeek, out var ranges) && ranges.Any(r => r.Contains(local.TimeOfDay));
    }

    /// <summary>The calendar's local date at this instant.</summary>
    public DateOnly Today(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, TimeZone).DateTime);
}
