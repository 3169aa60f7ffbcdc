namespace TicketWorker.Escalation;

/// <summary>Business hours in one time zone: whether it is open, and business time added or measured between instants.</summary>
/// <remarks>
/// Business time is elapsed real time spent inside opening intervals. Each interval belongs to a local
/// date: its boundaries are the earliest instants at which the local clock reads the boundary time or
/// later. So across DST changes an opening at a skipped time (spring forward) starts when the clock
/// jumps, an interval spanning the skipped hour is an hour shorter, a boundary at a repeated time (fall
/// back) is its first occurrence, and an interval spanning the repeated hour is an hour longer.
/// A holiday closes all intervals of that local date. All methods walk day by day, never minute by minute.
/// </remarks>
public sealed partial class BusinessCalendar
{
    // An upper bound on the search for the next opening; a valid spec has weekly hours, so only an
    // absurd list of holidays can exhaust it.
    private const int MaxSearchDays = 366 * 10;

    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private readonly DailyInterval[][] _week = new DailyInterval[7][];
    private readonly HashSet<DateOnly> _holidays;
    private readonly YearlyDate[] _yearly;

    // What is worked out per local date, once: open spans (OpenSpans), the opening day starting on it (Shift) and that as
    // instants (ShiftSpans). Intake places an SLA and a promise on the same few days for every new ticket.
    private readonly DateCache<(DateTimeOffset Start, DateTimeOffset End)[]> _spans;
    private readonly DateCache<(TimeSpan Start, TimeSpan End)[]> _shifts;
    private readonly DateCache<(DateTimeOffset Start, DateTimeOffset End)[]> _shiftSpans;

    /// <summary>Builds the calendar; throws <see cref="BusinessCalendarException"/> listing every problem in <paramref name="spec"/>.</summary>
    public BusinessCalendar(BusinessCalendarSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = Validate(spec);
        if (problems.Count > 0)
        {
            throw new BusinessCalendarException(problems);
        }

        TimeZoneId = spec.TimeZoneId;
        TimeZone = FindZone(spec.TimeZoneId)!;
        foreach (var day in Enum.GetValues<DayOfWeek>())
        {
            _week[(int)day] = spec.WeekHours.TryGetValue(day, out var list)
                ? [.. list.OrderBy(i => i.Start)]
                : [];
        }

        _holidays = [.. spec.Holidays ?? []];
        _yearly = [.. spec.YearlyHolidays ?? []];
        _spans = new(ComputeOpenSpans);
        _shifts = new(ComputeShift);
        _shiftSpans = new(ComputeShiftSpans);
    }

    /// <summary>Values per local date, computed once; bounded, as a long-running worker meets new dates forever. The calendar never changes (a reload makes a new one).</summary>
    private sealed class DateCache<T>(Func<DateOnly, T> compute)
    {
        private const int MaxDates = 4096;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<DateOnly, T> _values = new();

        public T Get(DateOnly date)
        {
            if (_values.TryGetValue(date, out var value)) return value;
            value = compute(date);
            if (_values.Count >= MaxDates) _values.Clear();
            _values[date] = value;
            return value;
        }
    }

    /// <summary>The time-zone id as configured (IANA), for stating times to customers.</summary>
    public string TimeZoneId { get; }

    /// <summary>The resolved time zone.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>Every problem in <paramref name="spec"/> as a readable sentence; empty when it is usable.</summary>
    public static IReadOnlyList<string> Validate(BusinessCalendarSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(spec.TimeZoneId))
        {
            problems.Add("a time zone is required (an IANA id such as 'Europe/Berlin')");
        }
        else if (FindZone(spec.TimeZoneId) is null)
        {
            problems.Add($"unknown time zone '{spec.TimeZoneId}' (use an IANA id such as 'Europe/Berlin')");
        }

        var anyHours = false;
        foreach (var (day, intervals) in (spec.WeekHours ?? new Dictionary<DayOfWeek, IReadOnlyList<DailyInterval>>()).OrderBy(p => ((int)p.Key + 6) % 7))
        {
            TimeSpan? previousEnd = null;
            foreach (var interval in (intervals ?? []).OrderBy(i => i.Start))
            {
                if (interval.Start < TimeSpan.Zero || interval.End > Day || interval.Start >= interval.End)
                {
                    problems.Add($"{day}: interval {interval} must lie within 00:00-24:00 and end after it starts");
                    continue;
                }

                if (previousEnd > interval.Start)
                {
                    problems.Add($"{day}: interval {interval} overlaps the one before it");
                }

                previousEnd = interval.End;
                anyHours = true;
            }
        }

        if (!anyHours)
        {
            problems.Add("the week has no business hours");
        }

        foreach (var yearly in spec.YearlyHolidays ?? [])
        {
            if (!yearly.IsValid)
            {
                problems.Add($"yearly holiday {yearly} is not a valid month and day");
            }
        }

        return problems;
    }

    /// <summary>The instant as seen in the calendar's time zone (same instant, local offset).</summary>
    public DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, TimeZone);

    /// <summary>Whether <paramref name="date"/> is a holiday (specific or yearly).</summary>
    public bool IsHoliday(DateOnly date)
    {
        if (_holidays.Contains(date)) return true;
        // A loop, not Array.Exists: a lambda over the date would allocate a closure on every call (the SLA clock asks per boundary).
        foreach (var yearly in _yearly)
            if (yearly.Matches(date)) return true;
        return false;
    }

    /// <summary>
    /// Whether an opening day starts on the local <paramref name="date"/>: it has hours, is not a holiday, and
    /// its hours are not only the after-midnight part of the previous date's night shift (see <see cref="Add"/>).
    /// </summary>
    public bool IsBusinessDay(DateOnly date) => Shift(date).Length > 0;

    /// <summary>Whether business is open at <paramref name="instant"/> (intervals include their start and exclude their end).</summary>
    public bool IsOpen(DateTimeOffset instant)
    {
        var date = LocalDate(instant);
        return OpenSpans(date.AddDays(-1)).Concat(OpenSpans(date)).Any(s => s.Start <= instant && instant < s.End);
    }

    /// <summary>The earliest instant at or after <paramref name="instant"/> at which business is open, in the calendar's zone.</summary>
    public DateTimeOffset NextOpening(DateTimeOffset instant)
    {
        foreach (var span in SpansFrom(instant))
        {
            return ToLocal(span.Start > instant ? span.Start : instant);
        }

        throw NoOpening(instant);
    }

    /// <summary>
    /// The earliest instant at which <paramref name="duration"/> of business time has passed since
    /// <paramref name="start"/> ("add N business hours"), in the calendar's zone. Outside hours the
    /// count starts at the next opening; a duration that ends exactly at a closing time returns that
    /// closing time; zero returns <paramref name="start"/>.
    /// </summary>
    public DateTimeOffset AddBusinessTime(DateTimeOffset start, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        if (duration == TimeSpan.Zero)
        {
            return ToLocal(start);
        }

        var remaining = duration;
        foreach (var span in SpansFrom(start))
        {
            var from = span.Start > start ? span.Start : start;
            var available = span.End - from;
            if (available >= remaining)
            {
                return ToLocal(from + remaining);
            }

            remaining -= available;
        }

        throw NoOpening(start);
    }

    /// <summary>Business time from <paramref name="from"/> to <paramref name="to"/>; negative when <paramref name="to"/> is earlier.</summary>
    public TimeSpan BusinessTimeBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to < from)
        {
            return -BusinessTimeBetween(to, from);
        }

        var total = TimeSpan.Zero;
        var lastDate = LocalDate(to);
        for (var date = LocalDate(from).AddDays(-1); date <= lastDate; date = date.AddDays(1))
        {
            foreach (var span in OpenSpans(date))
            {
                var start = span.Start > from ? span.Start : from;
                var end = span.End < to ? span.End : to;
                if (end > start)
                {
                    total += end - start;
                }
            }
        }

        return total;
    }

    // Open spans ending after the instant, in order, day by day (bounded by MaxSearchDays).
    private IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> SpansFrom(DateTimeOffset instant)
    {
        // The previous local date too: its last span may end after the instant when a clock change moved midnight.
        var first = LocalDate(instant).AddDays(-1);
        for (var i = 0; i <= MaxSearchDays; i++)
        {
            foreach (var span in OpenSpans(first.AddDays(i)))
            {
                if (span.End > instant)
                {
                    yield return span;
                }
            }
        }
    }

    // The date's opening intervals as instants; none on holidays. Intervals a clock change squeezed to nothing are dropped.
    // Worked out once per date: each boundary asks the time zone three questions.
    private (DateTimeOffset Start, DateTimeOffset End)[] OpenSpans(DateOnly date) => _spans.Get(date);

    private (DateTimeOffset Start, DateTimeOffset End)[] ComputeOpenSpans(DateOnly date)
    {
        if (IsHoliday(date))
        {
            return [];
        }

        var midnight = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        var spans = new List<(DateTimeOffset Start, DateTimeOffset End)>(_week[(int)date.DayOfWeek].Length);
        foreach (var interval in _week[(int)date.DayOfWeek])
        {
            var start = ToInstant(midnight + interval.Start);
            var end = ToInstant(midnight + interval.End);
            if (end > start)
            {
                spans.Add((start, end));
            }
        }

        return [.. spans];
    }

    private DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(ToLocal(instant).DateTime);

    // The earliest instant at which the local clock reads `local` or later.
    private DateTimeOffset ToInstant(DateTime local)
    {
        if (TimeZone.IsAmbiguousTime(local))
        {
            // Fall back: the first occurrence is the one with the larger (daylight) offset.
            var offset = TimeZone.GetAmbiguousTimeOffsets(local).Max();
            return new DateTimeOffset(local, offset).ToUniversalTime();
        }

        if (TimeZone.IsInvalidTime(local))
        {
            return ClockJump(local);
        }

        return new DateTimeOffset(local, TimeZone.GetUtcOffset(local)).ToUniversalTime();
    }

    // `local` was skipped (spring forward): find the instant of the jump, the first whose local time is past it.
    // Binary search over ticks between two instants that bracket it; a jump lasts at most a few hours.
    private DateTimeOffset ClockJump(DateTime local)
    {
        var low = new DateTimeOffset(local, TimeSpan.Zero).AddHours(-15).UtcTicks;
        var high = new DateTimeOffset(local, TimeSpan.Zero).AddHours(15).UtcTicks;
        while (high - low > 1)
        {
            var middle = low + ((high - low) / 2);
            if (TimeZoneInfo.ConvertTime(new DateTimeOffset(middle, TimeSpan.Zero), TimeZone).DateTime >= local)
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }

        return new DateTimeOffset(high, TimeSpan.Zero);
    }

    private static TimeZoneInfo? FindZone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;

    private InvalidOperationException NoOpening(DateTimeOffset instant) =>
        new($"the business calendar ({TimeZoneId}) has no opening within {MaxSearchDays} days after {instant:O}");
}
