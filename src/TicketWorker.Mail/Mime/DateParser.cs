using System.Globalization;
using System.Text.RegularExpressions;

namespace TicketWorker.Mail.Mime;

/// <summary>RFC 5322 §3.3 dates including obsolete forms and common broken ones.</summary>
public static partial class DateParser
{
    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    // RFC 5322 §4.3 obsolete zones, plus names that real mailers write although no RFC has them.
    private static readonly Dictionary<string, int> Zones = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UT"] = 0, ["UTC"] = 0, ["GMT"] = 0, ["Z"] = 0, ["WET"] = 0,
        ["EST"] = -5 * 60, ["EDT"] = -4 * 60, ["CST"] = -6 * 60, ["CDT"] = -5 * 60,
        ["MST"] = -7 * 60, ["MDT"] = -6 * 60, ["PST"] = -8 * 60, ["PDT"] = -7 * 60,
        ["AKST"] = -9 * 60, ["AKDT"] = -8 * 60, ["HST"] = -10 * 60, ["AST"] = -4 * 60, ["ADT"] = -3 * 60,
        ["BST"] = 60, ["CET"] = 60, ["MET"] = 60, ["CEST"] = 120, ["MEST"] = 120, ["WEST"] = 60,
        ["EET"] = 120, ["EEST"] = 180, ["MSK"] = 180, ["MSD"] = 240, ["IRST"] = 210, ["IRDT"] = 270,
        ["IST"] = 330, ["SGT"] = 480, ["HKT"] = 480, ["AWST"] = 480, ["JST"] = 540, ["KST"] = 540,
        ["AEST"] = 600, ["AEDT"] = 660, ["NZST"] = 720, ["NZDT"] = 780,
    };

    /// <summary>The date, or null when it cannot be understood; never throws.</summary>
    public static DateTimeOffset? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        try
        {
            return ParseCore(value);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>Formats a date as RFC 5322 §3.3 wants it: "Mon, 12 Feb 2024 10:00:00 +0100".</summary>
    public static string Format(DateTimeOffset date)
    {
        var offset = date.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return date.ToString("ddd, d MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture)
            + $"{sign}{abs.Hours:00}{abs.Minutes:00}";
    }

    private static DateTimeOffset? ParseCore(string value)
    {
        var text = StripComments(value, out var commentZone);
        // RFC 5322 §4.3 allows CFWS around the colons of the time: "09 :  55 : 06".
        text = BlanksAroundColon().Replace(text, ":");
        // "GMT+0100", "UTC-05:00": a named base with an explicit offset; the offset counts.
        text = NamedBaseOffset().Replace(text, " $1");
        var iso = IsoDate().Match(text);
        if (iso.Success) return FromIso(iso);

        int? month = null, hour = null, minute = null, second = null;
        int? offset = null;
        var numbers = new List<string>();
        foreach (var raw in Separators().Split(text))
        {
            var token = raw.Trim('.', ',');
            if (token.Length == 0) continue;
            var time = Time().Match(token);
            if (time.Success && hour is null)
            {
                hour = int.Parse(time.Groups[1].Value, CultureInfo.InvariantCulture);
                minute = int.Parse(time.Groups[2].Value, CultureInfo.InvariantCulture);
                second = time.Groups[3].Success ? int.Parse(time.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
                if (time.Groups[4].Success && time.Groups[4].Value.Equals("pm", StringComparison.OrdinalIgnoreCase) && hour < 12) hour += 12;
                if (time.Groups[4].Success && time.Groups[4].Value.Equals("am", StringComparison.OrdinalIgnoreCase) && hour == 12) hour = 0;
                continue;
            }
            var numericZone = NumericZone().Match(token);
            if (numericZone.Success && hour is not null && offset is null)
            {
                var sign = numericZone.Groups[1].Value == "-" ? -1 : 1;
                var h = int.Parse(numericZone.Groups[2].Value, CultureInfo.InvariantCulture);
                var m = numericZone.Groups[3].Success ? int.Parse(numericZone.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
                offset = sign * (h * 60 + m);
                continue;
            }
            if (char.IsLetter(token[0]))
            {
                if (hour is not null && token.Equals("pm", StringComparison.OrdinalIgnoreCase)) { if (hour < 12) hour += 12; continue; }
                if (hour is not null && token.Equals("am", StringComparison.OrdinalIgnoreCase)) { if (hour == 12) hour = 0; continue; }
                var monthIndex = MonthIndex(token);
                if (monthIndex > 0 && month is null) { month = monthIndex; continue; }
                if (offset is null && hour is not null && ZoneOffset(token) is { } zone) { offset = zone; continue; }
                continue; // day names, "at", garbage
            }
            if (token.Length <= 4 && token.All(char.IsAsciiDigit)) numbers.Add(token);
        }

        // Day and year among the bare numbers: the one with 3-4 digits or over 31 is the year,
        // else the later one ("12 Feb 24", "Feb 12 2024", asctime's "Feb 12 10:00:00 2024").
        // A zero-padded day ("029") is still a day.
        var hasFullYear = numbers.Any(m => m.Length == 4);
        numbers = numbers.Select(n => n.Length == 3 && n[0] == '0' && int.Parse(n, CultureInfo.InvariantCulture) <= 31 && hasFullYear ? n[1..] : n).ToList();
        var yearIndex = numbers.FindIndex(n => n.Length == 4);
        if (yearIndex < 0) yearIndex = numbers.FindIndex(n => n.Length >= 3 || int.Parse(n, CultureInfo.InvariantCulture) > 31);
        if (yearIndex < 0 && numbers.Count >= 2) yearIndex = numbers.Count - 1;
        var dayIndex = numbers.FindIndex(n => n.Length <= 2);
        if (dayIndex == yearIndex) dayIndex = numbers.FindIndex(dayIndex + 1, n => n.Length <= 2);
        if (yearIndex < 0 || dayIndex < 0 || month is null || hour is null) return null;
        var yearText = numbers[yearIndex];
        var year = int.Parse(yearText, CultureInfo.InvariantCulture);
        var day = int.Parse(numbers[dayIndex], CultureInfo.InvariantCulture);

        // RFC 5322 §4.3: two-digit years 00-49 are 20xx, 50-99 19xx; three digits add 1900.
        if (yearText.Length <= 2) year += year < 50 ? 2000 : 1900;
        else if (yearText.Length == 3) year += 1900;
        if (year is < 1900 or > 9999) return null;
        if (second == 60) second = 59; // leap second
        if (hour > 23 || minute > 59 || second > 59) return null;
        if (day > DateTime.DaysInMonth(year, month.Value) || day < 1) return null;

        offset ??= commentZone ?? 0;
        // Offsets beyond ±14 h cannot exist; the sender's clock setting is garbage, read as UTC.
        if (Math.Abs(offset.Value) > 14 * 60) offset = 0;
        return new DateTimeOffset(year, month.Value, day, hour.Value, minute!.Value, second!.Value, TimeSpan.FromMinutes(offset.Value));
    }

    private static DateTimeOffset? FromIso(Match m)
    {
        int G(int i) => int.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture);
        var offset = 0;
        if (m.Groups[7].Success && m.Groups[7].Value is not ("Z" or "z"))
        {
            var z = NumericZone().Match(m.Groups[7].Value.Replace(":", "", StringComparison.Ordinal));
            if (z.Success) offset = (z.Groups[1].Value == "-" ? -1 : 1) * (int.Parse(z.Groups[2].Value, CultureInfo.InvariantCulture) * 60 + (z.Groups[3].Success ? int.Parse(z.Groups[3].Value, CultureInfo.InvariantCulture) : 0));
        }
        if (G(2) is < 1 or > 12 || G(3) < 1 || G(3) > DateTime.DaysInMonth(G(1), G(2)) || G(4) > 23 || G(5) > 59) return null;
        var seconds = m.Groups[6].Success ? Math.Min(G(6), 59) : 0;
        if (Math.Abs(offset) > 14 * 60) offset = 0;
        return new DateTimeOffset(G(1), G(2), G(3), G(4), G(5), seconds, TimeSpan.FromMinutes(offset));
    }

    private static int MonthIndex(string token)
    {
        if (token.Length < 3) return 0;
        var prefix = token[..3].ToLowerInvariant();
        var i = Array.IndexOf(Months, prefix);
        return i < 0 ? 0 : i + 1;
    }

    private static int? ZoneOffset(string token)
    {
        if (Zones.TryGetValue(token, out var minutes)) return minutes;
        // RFC 5322 §4.3: military zones are to be read as -0000 (RFC 822 had their signs backwards).
        if (token.Length == 1 && char.IsAsciiLetter(token[0]) && token[0] is not ('j' or 'J')) return 0;
        return null;
    }

    private static string StripComments(string value, out int? commentZone)
    {
        commentZone = null;
        var text = ParameterParser.StripComments(value);
        // "(PST)" after a numeric offset is redundant; alone it is the only zone we have.
        var comment = CommentZone().Match(value);
        if (comment.Success && Zones.TryGetValue(comment.Groups[1].Value, out var z)) commentZone = z;
        return text;
    }

    [GeneratedRegex(@"[\s,]+|(?<=[a-zA-Z])-(?=\d)|(?<=\d)-(?=[a-zA-Z])")]
    private static partial Regex Separators();

    // Junk after the minutes ("10:00:t") is tolerated; a dotted date ("12.02.2024") is not a time.
    [GeneratedRegex(@"^(\d{1,2})[:.](\d{1,2})(?:[:.](\d{1,2}))?(?:\.\d+)?(am|pm|AM|PM)?(?![\d.])")]
    private static partial Regex Time();

    [GeneratedRegex(@"^([+-])(\d{2})(?::?(\d{2}))?$")]
    private static partial Regex NumericZone();

    [GeneratedRegex(@"^\s*(?:[A-Za-z]{3},?\s*)?(\d{4})-(\d{1,2})-(\d{1,2})[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|z|[+-]\d{2}:?\d{2})?")]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"\b(?:GMT|UTC|UT)\s*([+-]\d)", RegexOptions.IgnoreCase)]
    private static partial Regex NamedBaseOffset();

    [GeneratedRegex(@"(?<=\d)\s*:\s*(?=\d)")]
    private static partial Regex BlanksAroundColon();

    [GeneratedRegex(@"\(\s*([A-Za-z]{2,5})\s*\)")]
    private static partial Regex CommentZone();
}
