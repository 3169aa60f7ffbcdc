using System.Globalization;

namespace TicketWorker.Mail.Imap;

/// <summary>IMAP date-time (RFC 3501 §9): <c>"17-Jul-1996 02:44:25 -0700"</c>, day possibly space-padded.</summary>
internal static class ImapDate
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    public static string Format(DateTimeOffset value)
    {
        var offset = value.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture,
            $"{value.Day:00}-{Months[value.Month - 1]}-{value.Year:0000} {value.Hour:00}:{value.Minute:00}:{value.Second:00} {sign}{abs.Hours:00}{abs.Minutes:00}");
    }

    public static DateTimeOffset? TryParse(string? text)
    {
        if (text is null)
            return null;
        var s = text.Trim();
        var parts = s.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3)
            return null;
        var date = parts[0].Split('-');
        var time = parts[1].Split(':');
        var zone = parts[2];
        if (date.Length != 3 || time.Length != 3 || zone.Length != 5)
            return null;
        var month = Array.FindIndex(Months, m => m.Equals(date[1], StringComparison.OrdinalIgnoreCase)) + 1;
        if (month == 0
            || !int.TryParse(date[0], NumberStyles.None, CultureInfo.InvariantCulture, out var day)
            || !int.TryParse(date[2], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(time[0], NumberStyles.None, CultureInfo.InvariantCulture, out var hour)
            || !int.TryParse(time[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minute)
            || !int.TryParse(time[2], NumberStyles.None, CultureInfo.InvariantCulture, out var second)
            || !int.TryParse(zone.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var zh)
            || !int.TryParse(zone.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var zm)
            || zone[0] is not ('+' or '-'))
            return null;
        try
        {
            var offset = new TimeSpan(zh, zm, 0);
            return new DateTimeOffset(year, month, day, hour, minute, second, zone[0] == '-' ? -offset : offset);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
