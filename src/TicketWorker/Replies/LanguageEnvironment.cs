using HandlebarsDotNet;
using TicketWorker.Configuration;

namespace TicketWorker.Replies;

/// <summary>
/// The two Handlebars instances of one language (escaping for HTML, non-escaping for subject and
/// text) with that language's helpers and partials (language-specific first, else language-neutral).
/// </summary>
internal sealed class LanguageEnvironment
{
    private readonly IHandlebars _plain;
    private readonly IHandlebars _html;
    private readonly HashSet<string> _partials = new(StringComparer.Ordinal);

    public LanguageEnvironment(string language, IEnumerable<TemplateFile> partials, List<ConfigError> problems)
    {
        Language = language;
        _plain = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });
        _html = Handlebars.Create(new HandlebarsConfiguration());
        var format = LanguageFormat.For(language);
        TemplateHelpers.Register(_plain, format, html: false);
        TemplateHelpers.Register(_html, format, html: true);

        var chosen = partials.Where(p => p.Language == language || p.Language is null)
            .GroupBy(p => p.Name)
            .Select(g => g.OrderBy(p => p.Language is null ? 1 : 0).First());
        foreach (var partial in chosen)
        {
            _partials.Add(partial.Name);
            Register(_plain, partial, partial.Text, problems);
            Register(_html, partial, partial.Html, problems);
        }
    }

    public string Language { get; }

    public bool HasPartial(string name) => _partials.Contains(name);

    public CompiledTemplate Compile(TemplateFile file, List<ConfigError> problems)
    {
        var parts = new List<CompiledPart>();
        foreach (var (section, instance) in new[] { (file.Subject!, _plain), (file.Text, _plain), (file.Html, _html) })
        {
            try
            {
                parts.Add(new CompiledPart(section.Part, instance.Compile(section.Source)));
            }
            catch (Exception e) when (e is HandlebarsException or InvalidOperationException or ArgumentException)
            {
                var error = CompileError(file.DisplayPath, section, e);
                problems.Add(error);
                return CompiledTemplate.Broken(file, error.ToString());
            }
        }
        return new CompiledTemplate(file, parts);
    }

    private static void Register(IHandlebars instance, TemplateFile partial, TemplateSection section, List<ConfigError> problems)
    {
        try { instance.RegisterTemplate(partial.Name, section.Source); }
        catch (Exception e) when (e is HandlebarsException or InvalidOperationException or ArgumentException)
        {
            var error = CompileError(partial.DisplayPath, section, e);
            if (!problems.Contains(error)) problems.Add(error);
        }
    }

    /// <summary>Maps a Handlebars.Net compile error into the file; its parser reports "Occured at: line:col" (0-based line).</summary>
    internal static ConfigError CompileError(string file, TemplateSection section, Exception e)
    {
        var message = e.Message.Split("\n\n")[0].Trim();
        var line = section.Line;
        var column = section.Column;
        var at = System.Text.RegularExpressions.Regex.Match(e.Message, @"Occured at: (\d+):(\d+)");
        if (at.Success)
        {
            var l = int.Parse(at.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var c = int.Parse(at.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            line = section.Line + l;
            column = l == 0 ? section.Column + c : Math.Max(1, c);
        }
        return new ConfigError(file, line, column, $"{section.Part}: {message}");
    }
}
