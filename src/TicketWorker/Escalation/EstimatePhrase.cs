namespace TicketWorker.Escalation;

/// <summary>The data a template needs to state a due time; wording and language are the template's.</summary>
/// <param name="Kind">Whether to state a weekday and time or a number of business days.</param>
/// <param name="LocalDue">The due instant in the calendar's zone (its <c>DateTime</c> is the local wall-clock time).</param>
/// <param name="TimeZoneId">The calendar's IANA zone id, to name it ("Europe/Berlin time").</param>
/// <param name="BusinessDays">Business days after today's local date up to and including the due date (0 when due today).</param>
public sealed record EstimatePhrase(EstimatePhraseKind Kind, DateTimeOffset LocalDue, string TimeZoneId, int BusinessDays)
{
    /// <summary>The local weekday of the due time.</summary>
    public DayOfWeek Weekday => LocalDue.DayOfWeek;

    /// <summary>The local wall-clock time of the due time.</summary>
    public TimeOnly Time => TimeOnly.FromDateTime(LocalDue.DateTime);
}
