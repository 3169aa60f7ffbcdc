using System.Globalization;
using System.Net;
using System.Text;
using HandlebarsDotNet;

namespace TicketWorker.Replies;

/// <summary>
/// The helpers templates may call, bound to one language: <c>date</c>, <c>time</c>, <c>weekday</c>,
/// <c>datetime</c>, <c>zone</c>, <c>duration</c>, <c>due</c> (the estimate phrase), <c>digits</c>, <c>paragraphs</c>.
/// Plain output goes through <c>Write</c>, so the HTML instance escapes it and the text instance does not.
/// </summary>
internal static class TemplateHelpers
{
    public static readonly IReadOnlySet<string> Names =
        new HashSet<string> { "date", "time", "weekday", "datetime", "zone", "duration", "due", "digits", "paragraphs" };

    public static void Register(IHandlebars handlebars, LanguageFormat format, bool html)
    {
        Instant(handlebars, "date", format.Date);
        Instant(handlebars, "time", format.Time);
        Instant(handlebars, "weekday", format.Weekday);
        Instant(handlebars, "datetime", format.DateTime);
        handlebars.RegisterHelper("zone", (EncodedTextWriter w, Context c, Arguments a) =>
        {
            var value = Argument(a, "zone");
            var id = value switch
            {
                null => null,
                ZonedInstant z => z.ZoneId,
                EstimateValue e => e.TimeZone,
                _ => value.ToString(),
            };
            if (!string.IsNullOrEmpty(id)) w.Write(format.Zone(id));
        });
        handlebars.RegisterHelper("duration", (EncodedTextWriter w, Context c, Arguments a) =>
        {
            var value = Argument(a, "duration");
            if (value is null) return;
            w.Write(format.Duration(value switch
            {
                TimeSpan t => t,
                IConvertible n when IsNumber(n) => TimeSpan.FromHours(n.ToDouble(CultureInfo.InvariantCulture)),
                string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var hours) => TimeSpan.FromHours(hours),
                string s when TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var t) => t,
                _ => throw new ArgumentException($"duration expects a time span or a number of hours, got '{value}'"),
            }));
        });
        handlebars.RegisterHelper("due", (EncodedTextWriter w, Context c, Arguments a) =>
        {
            var value = Argument(a, "due");
            if (value is null) return;
            if (value is not EstimateValue e) throw new ArgumentException($"due expects the 'estimate' value, got '{value}'");
            w.Write(e.AsBusinessDays ? format.EstimateDays(e.BusinessDays) : format.EstimateAt(e.Due.Local, e.TimeZone));
        });
        handlebars.RegisterHelper("digits", (EncodedTextWriter w, Context c, Arguments a) =>
        {
            var value = Argument(a, "digits");
            if (value is not null) w.Write(format.Digits(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""));
        });
        handlebars.RegisterHelper("paragraphs", (EncodedTextWriter w, Context c, Arguments a) =>
        {
            var text = Argument(a, "paragraphs")?.ToString();
            if (string.IsNullOrEmpty(text)) return;
            if (html) w.WriteSafeString(Paragraphs(text));
            else w.Write(text.Replace("\r\n", "\n"));
        });
    }

    private static void Instant(IHandlebars handlebars, string name, Func<DateTime, string> render) =>
        handlebars.RegisterHelper(name, (EncodedTextWriter w, Context c, Arguments a) =>
        {
            var value = Argument(a, name);
            DateTime? local = value switch
            {
                null => null,
                ZonedInstant z => z.Local,
                EstimateValue e => e.Due.Local,
                DateTimeOffset d => d.DateTime,
                DateTime d => d,
                _ => throw new ArgumentException($"{name} expects a date, got '{value}'"),
            };
            if (local is { } l) w.Write(render(l));
        });

    /// <summary>The single argument; null when missing in the model (rendered as nothing).</summary>
    private static object? Argument(Arguments arguments, string helper)
    {
        if (arguments.Length != 1) throw new ArgumentException($"{helper} takes one value, e.g. '{{{{{helper} created}}}}'");
        var value = arguments[0];
        return value is UndefinedBindingResult ? null : value;
    }

    private static bool IsNumber(IConvertible value) =>
        value.GetTypeCode() is >= TypeCode.SByte and <= TypeCode.Decimal;

    /// <summary>Escaped text as HTML paragraphs: blank lines separate paragraphs, single newlines become &lt;br&gt;.</summary>
    internal static string Paragraphs(string text)
    {
        var b = new StringBuilder();
        var paragraphs = text.Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var p in paragraphs)
            b.Append("<p>").Append(string.Join("<br>\n", p.Split('\n').Select(WebUtility.HtmlEncode))).Append("</p>\n");
        return b.ToString().TrimEnd('\n');
    }
}
