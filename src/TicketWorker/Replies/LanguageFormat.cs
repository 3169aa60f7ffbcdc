using System.Globalization;

namespace TicketWorker.Replies;

/// <summary>
/// How dates, durations and the estimate phrase read in one language. English is the fallback for
/// languages without their own phrases (their dates still use the language's culture).
/// </summary>
internal abstract class LanguageFormat
{
    public abstract string Date(DateTime local);

    public abstract string Weekday(DateTime local);

    public virtual string Time(DateTime local) => Digits(local.ToString("HH:mm", CultureInfo.InvariantCulture));

    /// <summary>Weekday, date and time, e.g. "Tuesday 24 March 2026, 14:00".</summary>
    public virtual string DateTime(DateTime local) => $"{Weekday(local)} {Date(local)}, {Time(local)}";

    /// <summary>"Europe/Berlin time" in this language.</summary>
    public abstract string Zone(string zoneId);

    /// <summary>"by Tuesday 24 March 2026, 14:00 Europe/Berlin time".</summary>
    public abstract string EstimateAt(DateTime local, string zoneId);

    /// <summary>"within 3 business days".</summary>
    public abstract string EstimateDays(int days);

    public abstract string Duration(TimeSpan duration);

    /// <summary>A number written with this language's digits.</summary>
    public virtual string Digits(string text) => text;

    public string Number(long n) => Digits(n.ToString(CultureInfo.InvariantCulture));

    public static LanguageFormat For(string language) => language switch
    {
        "fa" => new PersianFormat(),
        "ru" => new RussianFormat(),
        "el" => new GreekFormat(),
        _ => new EnglishFormat(language),
    };

    /// <summary>The two largest non-zero units of a duration (days, hours, minutes), rounded down to the minute.</summary>
    protected static IEnumerable<(int Value, int Unit)> Parts(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero) duration = duration.Negate();
        var parts = new List<(int, int)>();
        if (duration.Days > 0) parts.Add((duration.Days, 0));
        if (duration.Hours > 0) parts.Add((duration.Hours, 1));
        if (duration.Minutes > 0) parts.Add((duration.Minutes, 2));
        if (parts.Count == 0) parts.Add((0, 2));
        return parts.Take(2);
    }
}
