using System.Globalization;

namespace TicketWorker.Replies;

/// <summary>Greek: "Τρίτη 24 Μαρτίου 2026, 14:00" (genitive month names from el-GR).</summary>
internal sealed class GreekFormat : LanguageFormat
{
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("el-GR");

    public override string Date(DateTime local) => local.ToString("d MMMM yyyy", Culture);

    public override string Weekday(DateTime local) => local.ToString("dddd", Culture);

    public override string Zone(string zoneId) => $"ώρα {zoneId}";

    // Σάββατο is neuter ("το"), every other weekday feminine ("την").
    public override string EstimateAt(DateTime local, string zoneId) =>
        $"έως {(local.DayOfWeek == DayOfWeek.Saturday ? "το" : "την")} {DateTime(local)} ({Zone(zoneId)})";

    public override string EstimateDays(int days) =>
        days == 1 ? "εντός 1 εργάσιμης ημέρας" : $"εντός {days} εργάσιμων ημερών";

    public override string Duration(TimeSpan duration)
    {
        string[][] units = [["ημέρα", "ημέρες"], ["ώρα", "ώρες"], ["λεπτό", "λεπτά"]];
        return string.Join(" και ", Parts(duration).Select(p => $"{p.Value} {units[p.Unit][p.Value == 1 ? 0 : 1]}"));
    }
}
