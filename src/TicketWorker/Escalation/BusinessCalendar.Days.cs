using TicketWorker.Rules;

namespace TicketWorker.Escalation;

/// <summary>Opening days: adding a <see cref="BusinessDuration"/> ("2d", "1d4h") as an admin means it.</summary>
public sealed partial class BusinessCalendar
{
    /// <summary>
    /// The instant <paramref name="duration"/> after <paramref name="start"/>, in the calendar's zone: first its
    /// opening days, then its business hours and minutes (as <see cref="AddBusinessTime"/>).
    /// </summary>
    /// <remarks>
    /// An opening day is a local date with hours that is not a holiday; a night shift (an interval to 24:00
    /// followed by one from 00:00 the next date) is one opening day, owned by the date it starts on.
    /// Adding N days:
    /// - open at <paramref name="start"/>: the same wall-clock time on the N-th opening day after the start's;
    /// - in a break within an opening day: as if at the end of the break (the next interval's start);
    /// - before the day's first opening, after its last closing, or on a closed day: the next opening day
    ///   counts whole, so the result is the last closing of the N-th opening day from it ("1d" from
    ///   Saturday is Monday's closing; from Tuesday 20:00 it is Wednesday's closing).
    /// When the target day is not open at that wall-clock time, the result is its next opening that day,
    /// or its last closing when the day is shorter; it never spills into another day.
    /// </remarks>
    public DateTimeOffset Add(DateTimeOffset start, BusinessDuration duration)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(duration.Days, nameof(duration));
        ArgumentOutOfRangeException.ThrowIfLessThan(duration.Time, TimeSpan.Zero, nameof(duration));
        var afterDays = duration.Days == 0 ? start : AddOpeningDays(start, duration.Days);
        return AddBusinessTime(afterDays, duration.Time);
    }

    private DateTimeOffset AddOpeningDays(DateTimeOffset start, int days)
    {
        var local = ToLocal(start).DateTime;
        var date = DateOnly.FromDateTime(local);

        // The previous date first: after midnight, a night shift still belongs to the date it started on.
        foreach (var owner in (ReadOnlySpan<DateOnly>)[date.AddDays(-1), date])
        {
            var shift = Shift(owner);
            var offset = local - Midnight(owner);
            if (Array.FindIndex(shift, i => i.Start <= offset && offset < i.End) >= 0)
            {
                return AtSameTime(OpeningDayAfter(owner, days, start), offset);
            }

            var next = Array.FindIndex(shift, i => i.Start > offset);
            if (next > 0)
            {
                return AtSameTime(OpeningDayAfter(owner, days, start), shift[next].Start);
            }
        }

        var sinceMidnight = local - Midnight(date);
        var first = Array.FindIndex(Shift(date), i => i.Start > sinceMidnight) >= 0 ? date : OpeningDayAfter(date, 1, start);
        return EndOf(OpeningDayAfter(first, days - 1, start));
    }

    // The n-th opening day after `date` (n = 0: `date` itself).
    private DateOnly OpeningDayAfter(DateOnly date, int n, DateTimeOffset start)
    {
        var day = date;
        for (var searched = 0; n > 0; searched++)
        {
            if (searched > MaxSearchDays + n)
            {
                throw NoOpening(start);
            }

            day = day.AddDays(1);
            if (IsBusinessDay(day))
            {
                n--;
            }
        }

        return day;
    }

    // `offset` after the day's local midnight; when closed then, the day's next opening, else its last closing.
    private DateTimeOffset AtSameTime(DateOnly day, TimeSpan offset)
    {
        var target = ToInstant(Midnight(day) + offset);
        var spans = ShiftSpans(day);
        foreach (var (start, end) in spans)
        {
            if (end > target)
            {
                return ToLocal(start > target ? start : target);
            }
        }

        return ToLocal(spans[^1].End);
    }

    private DateTimeOffset EndOf(DateOnly day) => ToLocal(ShiftSpans(day)[^1].End);

    // The opening day starting on `day` as instants (worked out once per date).
    private (DateTimeOffset Start, DateTimeOffset End)[] ShiftSpans(DateOnly day)
    {
        var spans = _shiftSpans.Get(day);
        return spans.Length > 0 ? spans : throw new InvalidOperationException($"{day} is not an opening day of the calendar ({TimeZoneId})");
    }

    private (DateTimeOffset Start, DateTimeOffset End)[] ComputeShiftSpans(DateOnly day)
    {
        var midnight = Midnight(day);
        return Shift(day)
            .Select(i => (Start: ToInstant(midnight + i.Start), End: ToInstant(midnight + i.End)))
            .Where(s => s.End > s.Start)
            .ToArray();
    }

    // The opening day starting on `date`, as offsets from its local midnight (a night shift's tail past 24:00); worked out once per date.
    private (TimeSpan Start, TimeSpan End)[] Shift(DateOnly date) => _shifts.Get(date);

    private (TimeSpan Start, TimeSpan End)[] ComputeShift(DateOnly date)
    {
        var shift = Hours(date).Where(i => !ContinuesPrevious(date, i)).Select(i => (i.Start, i.End)).ToList();
        var following = Hours(date.AddDays(1));
        if (shift.Count > 0 && following.Length > 0 && ContinuesPrevious(date.AddDays(1), following[0]))
        {
            shift.Add((Day + following[0].Start, Day + following[0].End));
        }

        return [.. shift];
    }

    private DailyInterval[] Hours(DateOnly date) => IsHoliday(date) ? [] : _week[(int)date.DayOfWeek];

    // A night shift: an interval from 00:00 continues the previous date's last interval when that one runs to
    // 24:00. All-day intervals stand alone, or every day of a 24/7 calendar would be one opening day.
    private bool ContinuesPrevious(DateOnly date, DailyInterval interval)
    {
        if (interval.Start != TimeSpan.Zero || interval.End >= Day)
        {
            return false;
        }

        var before = Hours(date.AddDays(-1));
        return before.Length > 0 && before[^1].End == Day && before[^1].Start > TimeSpan.Zero;
    }

    private static DateTime Midnight(DateOnly date) => date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
}
