using System.Text.RegularExpressions;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace TicketWorker.Replies;

/// <summary>
/// Resolves <c>{% include 'name' %}</c> for one language: <c>partials/name.LANG.liquid</c>, else
/// <c>partials/name.liquid</c>, the section matching the part being rendered. Only partial names
/// are accepted (no paths, no <c>..</c>), and only files read from the templates folder when it was
/// loaded are served, so a template cannot read anything else on the machine.
/// </summary>
internal sealed partial class PartialLoader(string language, IReadOnlyDictionary<string, CompiledPartial> partials) : ITemplateLoader
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]*$")]
    private static partial Regex PartialName();

    public bool Has(string name) => partials.ContainsKey(name);

    /// <summary>True for a name <c>include</c> accepts: letters, digits, '-' and '_', so never a path.</summary>
    public static bool IsPartialName(string name) => PartialName().IsMatch(name);

    public static string NotAName(string name) => $"include '{name}': only a partial's name can be included, such as 'signature' (no folders or paths)";

    public string GetPath(TemplateContext context, SourceSpan callerSpan, string templateName)
    {
        if (!IsPartialName(templateName)) throw new ScriptRuntimeException(callerSpan, NotAName(templateName));
        if (!partials.TryGetValue(templateName, out var partial))
            throw new ScriptRuntimeException(callerSpan, $"include '{templateName}' not found (expected partials/{templateName}.{language}.liquid or partials/{templateName}.liquid)");
        return TemplateSources.Key(partial.File.DisplayPath, context is ReplyTemplateContext { Html: true } ? "html" : "text");
    }

    public string Load(TemplateContext context, SourceSpan callerSpan, string templatePath) =>
        Find(templatePath)?.Section.Source ?? throw new ScriptRuntimeException(callerSpan, $"'{templatePath}' is not a partial");

    public ValueTask<string?> LoadAsync(TemplateContext context, SourceSpan callerSpan, string templatePath) =>
        ValueTask.FromResult<string?>(Load(context, callerSpan, templatePath));

    /// <summary>The compiled section for a path from <see cref="GetPath"/>; null when it failed to compile.</summary>
    public Template? Compiled(string templatePath) => Find(templatePath)?.Template;

    private (TemplateSection Section, Template? Template)? Find(string templatePath)
    {
        foreach (var p in partials.Values)
        {
            if (TemplateSources.Key(p.File.DisplayPath, "text") == templatePath) return (p.File.Text, p.Text);
            if (TemplateSources.Key(p.File.DisplayPath, "html") == templatePath) return (p.File.Html, p.Html);
        }
        return null;
    }
}
