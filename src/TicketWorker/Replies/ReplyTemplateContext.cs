using System.Text;
using Scriban;
using Scriban.Functions;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace TicketWorker.Replies;

/// <summary>
/// The Liquid context one part of a reply renders in. In the HTML part every value written by
/// <c>{{ … }}</c> is escaped here, on output, unless it is <see cref="HtmlMarkup"/> we made
/// ourselves, so a template author cannot forget it and nothing is escaped twice. The limits of
/// <see cref="TemplateLimits"/> apply, and exceeding one is an error, never a truncated mail.
/// </summary>
internal sealed class ReplyTemplateContext : TemplateContext
{
    // Liquid's built-in filters, built once: LiquidTemplateContext builds them anew for every context,
    // which was most of the time and memory of a reply. Read-only all the way down, so one template
    // cannot change them for the next.
    private static readonly ScriptObject LiquidBuiltins = ReadOnly(new LiquidBuiltinsFunctions());

    private readonly LanguageFormat _format;
    private readonly PartialLoader _partials;

    public ReplyTemplateContext(LanguageFormat format, PartialLoader partials, bool html, TemplateLimits limits)
        : base(LiquidBuiltins)
    {
        // What LiquidTemplateContext sets, less its template loading (ours are compiled at load).
        Language = ScriptLang.Liquid;
        IsLiquid = true;
        EnableBreakAndContinueAsReturnOutsideLoop = true;
        EnableRelaxedTargetAccess = true;
        _format = format;
        _partials = partials;
        Html = html;
        TemplateLoader = partials;
        LoopLimit = limits.LoopLimit;
        RecursiveLimit = limits.RecursiveLimit;
        OutputLimit = limits.OutputLimit;
        OnOutputLimit = ScriptLimitBehavior.Throw;
        LimitToString = limits.OutputLimit;
        OnStringLimit = ScriptLimitBehavior.Throw;
        // The model is ScriptObjects only; should a .NET object slip in, none of its members is visible.
        MemberFilter = _ => false;
    }

    /// <summary>True in the HTML part: values are escaped on output.</summary>
    public bool Html { get; }

    public override TemplateContext Write(SourceSpan span, object? textAsObject)
    {
        if (!Html || textAsObject is null or HtmlMarkup) return base.Write(span, textAsObject);
        var text = ObjectToString(textAsObject);
        if (text is not null) Write(Escape(text));
        return this;
    }

    public override string? ObjectToString(object? value, bool nested = false) => value switch
    {
        HtmlMarkup markup => markup.Value,
        ZonedInstant instant => _format.DateTime(instant.Local),
        EstimateValue estimate => TemplateFilters.Due(_format, estimate),
        _ => base.ObjectToString(value, nested),
    };

    // Includes were compiled when the folder was loaded; the loader only says which one is meant.
    protected override Template CreateTemplate(string templatePath, ScriptNode? callerContext) =>
        _partials.Compiled(templatePath)
        ?? throw new ScriptRuntimeException(callerContext?.Span ?? CurrentSpan, $"'{templatePath}' has errors (see ticketworker check)");

    private static ScriptObject ReadOnly(ScriptObject o)
    {
        foreach (var value in o.Values)
            if (value is ScriptObject { IsReadOnly: false } inner) ReadOnly(inner);
        o.IsReadOnly = true;
        return o;
    }

    /// <summary>HTML-escapes the five characters that matter in text and attribute values; other characters stay as they are (the mail is UTF-8).</summary>
    internal static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny("<>&\"'") < 0) return text;
        var b = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            b.Append(c switch
            {
                '<' => "&lt;",
                '>' => "&gt;",
                '&' => "&amp;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => null,
            } ?? c.ToString());
        }
        return b.ToString();
    }
}
