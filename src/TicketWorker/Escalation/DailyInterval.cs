using System.Globalization;

namespace TicketWorker.Escalation;

/// <summary>Opening hours within one day, as local wall-clock times from <see cref="Start"/> up to (not including) <see cref="End"/>.</summary>
/// <remarks>
/// Times are offsets from local midnight, so <see cref="End"/> may be exactly 24:00 (the next midnight),
/// which <see cref="TimeOnly"/> cannot express. <see cref="BusinessCalendar"/> validates the range.
/// </remarks>
/// <param name="Start">Opening time (00:00 to 24:00).</param>
/// <param name="End">Closing time, after <paramref name="Start"/> (at most 24:00).</param>
public readonly record struct DailyInterval(TimeSpan Start, TimeSpan End)
{
    /// <summary>The whole day, 00:00-24:00.</summary>
    public static DailyInterval AllDay { get; } = new(TimeSpan.Zero, TimeSpan.FromHours(24));

    /// <summary>An interval from whole hours and minutes, e.g. <c>From(9, 0, 17, 30)</c>.</summary>
    public static DailyInterval From(int startHour, int startMinute, int endHour, int endMinute) =>
        new(new TimeSpan(startHour, startMinute, 0), new TimeSpan(endHour, endMinute, 0));

    /// <summary>How long the interval is on a day without a clock change.</summary>
    public TimeSpan Length => End - Start;

    /// <summary>Reads "HH:mm-HH:mm" (e.g. "09:00-12:30", "22:00-24:00"); false when the text is not of that form or the range is empty.</summary>
    public static bool TryParse(string? text, out DailyInterval interval)
    {
        interval = default;
        if (text is null)
        {
            return false;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0
            || !TryParseClock(text.AsSpan(0, dash).Trim(), out var start)
            || !TryParseClock(text.AsSpan(dash + 1).Trim(), out var end)
            || start >= end)
        {
            return false;
        }

        interval = new DailyInterval(start, end);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Format(Start)}-{Format(End)}";

    private static string Format(TimeSpan t) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours:00}:{t.Minutes:00}");

    // "H:mm" or "HH:mm", 00:00 to 24:00 inclusive; 24:00 only with zero minutes.
    private static bool TryParseClock(ReadOnlySpan<char> s, out TimeSpan time)
    {
        time = default;
        var colon = s.IndexOf(':');
        if (colon is < 1 or > 2 || s.Length - colon - 1 != 2
            || !int.TryParse(s[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            || !int.TryParse(s[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            || minutes > 59 || hours > 24 || (hours == 24 && minutes != 0))
        {
            return false;
        }

        time = new TimeSpan(hours, minutes, 0);
        return true;
    }
}
