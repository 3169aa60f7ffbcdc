using System.Globalization;
using System.Net;
using System.Text;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace TicketWorker.Replies;

/// <summary>
/// The filters templates may use, bound to one language: <c>date</c>, <c>time</c>, <c>weekday</c>,
/// <c>datetime</c>, <c>zone</c>, <c>duration</c>, <c>due</c> (the estimate phrase), <c>digits</c>,
/// <c>paragraphs</c>; and <c>include</c>, whose output is already escaped where it has to be.
/// They return text; the HTML part escapes it on output (see <see cref="ReplyTemplateContext"/>).
/// </summary>
internal static class TemplateFilters
{
    public static readonly IReadOnlySet<string> Names =
        new HashSet<string> { "date", "time", "weekday", "datetime", "zone", "duration", "due", "digits", "paragraphs" };

    /// <summary>A read-only object of the filters for <paramref name="format"/>'s language.</summary>
    public static ScriptObject Create(LanguageFormat format)
    {
        var o = new ScriptObject();
        Instant(o, "date", format.Date);
        Instant(o, "time", format.Time);
        Instant(o, "weekday", format.Weekday);
        Instant(o, "datetime", format.DateTime);
        Import(o, "zone", (span, value) => value switch
        {
            ZonedInstant z => format.Zone(z.ZoneId),
            EstimateValue e => format.Zone(e.TimeZone),
            string s when s.Length > 0 => format.Zone(s),
            _ => null,
        });
        Import(o, "duration", (span, value) => format.Duration(value switch
        {
            TimeSpan t => t,
            IConvertible n when IsNumber(n) => TimeSpan.FromHours(n.ToDouble(CultureInfo.InvariantCulture)),
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var hours) => TimeSpan.FromHours(hours),
            string s when TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var t) => t,
            _ => throw new ScriptRuntimeException(span, $"duration expects a number of hours or a time span, got '{value}'"),
        }));
        Import(o, "due", (span, value) => value is EstimateValue e
            ? Due(format, e)
            : throw new ScriptRuntimeException(span, $"due expects the 'estimate' value, got '{value}'"));
        Import(o, "digits", (span, value) => format.Digits(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""));
        o.SetValue("paragraphs", new Filter((context, _, value) =>
        {
            var text = value?.ToString();
            if (string.IsNullOrEmpty(text)) return null;
            return context is ReplyTemplateContext { Html: true } ? new HtmlMarkup(Paragraphs(text)) : text.Replace("\r\n", "\n");
        }), true);
        o.SetValue("include", new SafeInclude(), true);
        o.IsReadOnly = true;
        return o;
    }

    /// <summary>"by Tuesday 24 March 2026, 14:00 Europe/Berlin time" or "within 3 business days".</summary>
    public static string Due(LanguageFormat format, EstimateValue e) =>
        e.AsBusinessDays ? format.EstimateDays(e.BusinessDays) : format.EstimateAt(e.Due.Local, e.TimeZone);

    private static void Instant(ScriptObject o, string name, Func<DateTime, string> render) =>
        Import(o, name, (span, value) => value switch
        {
            ZonedInstant z => render(z.Local),
            EstimateValue e => render(e.Due.Local),
            _ => throw new ScriptRuntimeException(span, $"{name} expects a date (such as 'created' or 'estimate'), got '{value}'"),
        });

    // A missing value (nil) renders as nothing rather than failing the reply.
    private static void Import(ScriptObject o, string name, Func<SourceSpan, object, string?> filter) =>
        o.SetValue(name, new Filter((_, span, value) => value is null ? null : filter(span, value)), true);

    /// <summary>
    /// A one-argument filter called directly. Scriban's <c>Import(name, delegate)</c> calls the
    /// delegate by reflection (<c>DynamicInvoke</c>), whose invoke stubs are dynamic methods the
    /// runtime compiles again each time a full GC has dropped its reflection cache; in a backlog that
    /// was a large share of intake's CPU (the finalizer releasing them). Same parameters as before:
    /// one value (the piped one), the context and the caller's position supplied by Scriban.
    /// </summary>
    private sealed class Filter(Func<TemplateContext, SourceSpan, object?, object?> body) : IScriptCustomFunction
    {
        public int RequiredParameterCount => 1;

        public int ParameterCount => 1;

        public ScriptVarParamKind VarParamKind => ScriptVarParamKind.None;

        public Type ReturnType => typeof(object);

        public ScriptParameterInfo GetParameterInfo(int index) => new(typeof(object), "value");

        public object? Invoke(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement) =>
            body(context, callerContext?.Span ?? context.CurrentSpan, arguments.Count > 0 ? arguments[0] : null);

        public ValueTask<object?> InvokeAsync(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement) =>
            ValueTask.FromResult(Invoke(context, callerContext, arguments, blockStatement));
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
