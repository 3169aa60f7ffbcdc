namespace TicketWorker.Escalation;

/// <summary>Plain description of business hours from which a <see cref="BusinessCalendar"/> is built.</summary>
/// <param name="TimeZoneId">IANA time-zone id, e.g. "Europe/Berlin" (also accepted on Windows through ICU).</param>
/// <param name="WeekHours">Opening intervals per day of the week in local wall-clock time; a day missing or with an empty list is closed.</param>
/// <param name="Holidays">Specific closed dates (local dates in the calendar's zone).</param>
/// <param name="YearlyHolidays">Dates closed every year.</param>
public sealed record BusinessCalendarSpec(
    string TimeZoneId,
    IReadOnlyDictionary<DayOfWeek, IReadOnlyList<DailyInterval>> WeekHours,
    IReadOnlyCollection<DateOnly>? Holidays = null,
    IReadOnlyCollection<YearlyDate>? YearlyHolidays = null)
{
    /// <summary>Monday to Friday with the same intervals every day, e.g. <c>Weekdays("Europe/Berlin", DailyInterval.From(9, 0, 17, 0))</c>.</summary>
    public static BusinessCalendarSpec Weekdays(string timeZoneId, params DailyInterval[] hours)
    {
        var week = new Dictionary<DayOfWeek, IReadOnlyList<DailyInterval>>();
        foreach (var day in new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday })
        {
            week[day] = hours;
        }

        return new BusinessCalendarSpec(timeZoneId, week);
    }
}
