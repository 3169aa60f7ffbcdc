using System.Globalization;
using System.Text;

namespace TicketWorker.Replies;

/// <summary>
/// Persian: Solar Hijri dates (what customers in Iran read) with Persian digits and month and
/// weekday names, e.g. "سه‌شنبه ۴ فروردین ۱۴۰۵، ساعت ۱۴:۰۰". The names are spelled out here rather
/// than taken from fa-IR, so the output does not depend on the ICU/NLS data of the machine.
/// </summary>
internal sealed class PersianFormat : LanguageFormat
{
    private static readonly PersianCalendar Calendar = new();
    private static readonly string[] Months =
        ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"];
    // Indexed by DayOfWeek (Sunday first); U+200C (zero-width non-joiner) as Persian writes it.
    private static readonly string[] Weekdays =
        ["یکشنبه", "دوشنبه", "سه\u200Cشنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه"];

    public override string Date(DateTime local) =>
        Digits($"{Calendar.GetDayOfMonth(local)} {Months[Calendar.GetMonth(local) - 1]} {Calendar.GetYear(local)}");

    public override string Weekday(DateTime local) => Weekdays[(int)local.DayOfWeek];

    public override string DateTime(DateTime local) => $"{Weekday(local)} {Date(local)}، ساعت {Time(local)}";

    public override string Zone(string zoneId) => $"به وقت {zoneId}";

    public override string EstimateAt(DateTime local, string zoneId) => $"تا {DateTime(local)} {Zone(zoneId)}";

    public override string EstimateDays(int days) => $"ظرف {Number(days)} روز کاری";

    public override string Duration(TimeSpan duration)
    {
        string[] units = ["روز", "ساعت", "دقیقه"];
        return string.Join(" و ", Parts(duration).Select(p => $"{Number(p.Value)} {units[p.Unit]}"));
    }

    public override string Digits(string text)
    {
        var b = new StringBuilder(text.Length);
        foreach (var c in text) b.Append(c is >= '0' and <= '9' ? (char)('\u06F0' + (c - '0')) : c);
        return b.ToString();
    }
}
