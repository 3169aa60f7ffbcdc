using System.Globalization;

namespace TicketWorker.Replies;

/// <summary>English phrases; dates in British order ("Tuesday 24 March 2026, 14:00"), or the given language's culture.</summary>
internal sealed class EnglishFormat(string language) : LanguageFormat
{
    private readonly CultureInfo _culture = CultureFor(language);

    public override string Date(DateTime local) => local.ToString("d MMMM yyyy", _culture);

    public override string Weekday(DateTime local) => local.ToString("dddd", _culture);

    public override string Zone(string zoneId) => $"{zoneId} time";

    public override string EstimateAt(DateTime local, string zoneId) => $"by {DateTime(local)} {Zone(zoneId)}";

    public override string EstimateDays(int days) => days == 1 ? "within 1 business day" : $"within {days} business days";

    public override string Duration(TimeSpan duration)
    {
        string[][] units = [["day", "days"], ["hour", "hours"], ["minute", "minutes"]];
        return string.Join(" ", Parts(duration).Select(p => $"{p.Value} {units[p.Unit][p.Value == 1 ? 0 : 1]}"));
    }

    private static CultureInfo CultureFor(string language)
    {
        if (language == "en") return CultureInfo.GetCultureInfo("en-GB");
        try { return CultureInfo.GetCultureInfo(language, predefinedOnly: true); }
        catch (CultureNotFoundException) { return CultureInfo.GetCultureInfo("en-GB"); }
    }
}
