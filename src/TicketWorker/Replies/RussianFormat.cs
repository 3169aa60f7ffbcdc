using System.Globalization;

namespace TicketWorker.Replies;

/// <summary>Russian: "вторник, 24 марта 2026 г., 14:00"; plural forms one/few/many.</summary>
internal sealed class RussianFormat : LanguageFormat
{
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("ru-RU");
    // "до" takes the genitive: до вторника, до среды.
    private static readonly string[] WeekdayGenitive = ["воскресенья", "понедельника", "вторника", "среды", "четверга", "пятницы", "субботы"];

    // .NET uses the genitive month name after a day number ("24 марта").
    public override string Date(DateTime local) => local.ToString("d MMMM yyyy 'г.'", Culture);

    public override string Weekday(DateTime local) => local.ToString("dddd", Culture);

    public override string DateTime(DateTime local) => $"{Weekday(local)}, {Date(local)}, {Time(local)}";

    public override string Zone(string zoneId) => $"по времени {zoneId}";

    public override string EstimateAt(DateTime local, string zoneId) =>
        $"до {WeekdayGenitive[(int)local.DayOfWeek]}, {Date(local)}, {Time(local)} {Zone(zoneId)}";

    public override string EstimateDays(int days) =>
        $"в течение {days} {(Plural(days) == 0 ? "рабочего дня" : "рабочих дней")}";

    public override string Duration(TimeSpan duration)
    {
        string[][] units = [["день", "дня", "дней"], ["час", "часа", "часов"], ["минута", "минуты", "минут"]];
        return string.Join(" ", Parts(duration).Select(p => $"{p.Value} {units[p.Unit][Plural(p.Value)]}"));
    }

    /// <summary>0 = one (1, 21), 1 = few (2–4, 22–24), 2 = many (5–20, 25–30, 0).</summary>
    private static int Plural(int n) =>
        n % 10 == 1 && n % 100 != 11 ? 0 : n % 10 is >= 2 and <= 4 && n % 100 is < 12 or > 14 ? 1 : 2;
}
