using System.Globalization;

namespace TicketWorker.Escalation;

/// <summary>A holiday that falls on the same month and day every year (e.g. 12-25).</summary>
/// <remarks>February 29 is allowed and then applies in leap years only.</remarks>
/// <param name="Month">1 to 12.</param>
/// <param name="Day">1 to the month's length in a leap year.</param>
public readonly record struct YearlyDate(int Month, int Day)
{
    /// <summary>Whether month and day name a real date in a leap year.</summary>
    public bool IsValid => Month is >= 1 and <= 12 && Day >= 1 && Day <= DateTime.DaysInMonth(2000, Month);

    /// <summary>Whether <paramref name="date"/> is this month and day.</summary>
    public bool Matches(DateOnly date) => date.Month == Month && date.Day == Day;

    /// <summary>Reads "MM-DD" (e.g. "12-25"); false when the text is not of that form or not a valid month and day.</summary>
    public static bool TryParse(string? text, out YearlyDate date)
    {
        date = default;
        var parts = text?.Trim().Split('-');
        if (parts is not { Length: 2 }
            || parts[0].Length is < 1 or > 2 || parts[1].Length is < 1 or > 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var day))
        {
            return false;
        }

        date = new YearlyDate(month, day);
        return date.IsValid;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Month:00}-{Day:00}");
}
