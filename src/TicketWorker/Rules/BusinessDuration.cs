using System.Globalization;
using System.Text;

namespace TicketWorker.Rules;

/// <summary>
/// A duration in business time as an admin writes it: whole opening days of the calendar in force
/// plus business hours and minutes. "5d" is five opening days, whatever their length, not 120 hours.
/// </summary>
/// <remarks>
/// Days and time stay apart because a day's length depends on the calendar and the day (a short
/// Friday, a night shift): only the calendar can add them (Escalation/BusinessCalendar.Add).
/// <c>w</c> is read as 5 opening days.
/// </remarks>
/// <param name="Days">Opening days (d; w = 5 d).</param>
/// <param name="Time">Business hours and minutes (h, m), added after the days.</param>
public readonly record struct BusinessDuration(int Days, TimeSpan Time)
{
    /// <summary>Opening days per <c>w</c>: a business week, not seven opening days.</summary>
    public const int DaysPerWeek = 5;

    /// <summary>No business time.</summary>
    public static BusinessDuration Zero { get; } = default;

    /// <summary>Whole opening days only.</summary>
    public static BusinessDuration FromDays(int days) => new(days, TimeSpan.Zero);

    /// <summary>Business hours and minutes only.</summary>
    public static BusinessDuration FromTime(TimeSpan time) => new(0, time);

    /// <summary>Whether there are neither days nor time.</summary>
    public bool IsZero => Days == 0 && Time == TimeSpan.Zero;

    /// <summary>Ordering for config checks (escalation levels in order): days first, then time, as the calendar adds them.</summary>
    public int CompareTo(BusinessDuration other) => Days != other.Days ? Days.CompareTo(other.Days) : Time.CompareTo(other.Time);

    /// <summary>The rules.yaml notation, e.g. "2d4h", "30m", "0m".</summary>
    public override string ToString()
    {
        var b = new StringBuilder();
        if (Days > 0) b.Append(CultureInfo.InvariantCulture, $"{Days}d");
        var hours = (long)Time.TotalHours;
        if (hours > 0) b.Append(CultureInfo.InvariantCulture, $"{hours}h");
        if (Time.Minutes > 0) b.Append(CultureInfo.InvariantCulture, $"{Time.Minutes}m");
        if (Time.Seconds > 0) b.Append(CultureInfo.InvariantCulture, $"{Time.Seconds}s");
        return b.Length == 0 ? "0m" : b.ToString();
    }
}
