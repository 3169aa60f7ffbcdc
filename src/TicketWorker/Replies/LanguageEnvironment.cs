using Scriban.Runtime;
using TicketWorker.Configuration;

namespace TicketWorker.Replies;

/// <summary>
/// What the templates of one language share: its filters (dates and phrases in that language) and
/// its partials (language-specific first, else language-neutral), compiled once.
/// </summary>
internal sealed class LanguageEnvironment
{
    private readonly TemplateSources _sources;

    public LanguageEnvironment(string language, IEnumerable<TemplateFile> partials, TemplateSources sources, List<ConfigError> problems)
    {
        Language = language;
        _sources = sources;
        Format = LanguageFormat.For(language);
        Filters = TemplateFilters.Create(Format);
        var compiled = new Dictionary<string, CompiledPartial>(StringComparer.Ordinal);
        var chosen = partials.Where(p => p.Language == language || p.Language is null)
            .GroupBy(p => p.Name)
            .Select(g => g.OrderBy(p => p.Language is null ? 1 : 0).First());
        foreach (var partial in chosen)
        {
            var text = sources.Parse(partial, partial.Text, problems);
            // A partial without sections has one body for both parts: report its errors once.
            var same = partial.Html.Source == partial.Text.Source && partial.Html.Line == partial.Text.Line;
            var html = sources.Parse(partial, partial.Html, same ? [] : problems);
            compiled[partial.Name] = new CompiledPartial(partial, text, html);
        }
        Partials = new PartialLoader(language, compiled);
    }

    public string Language { get; }

    public LanguageFormat Format { get; }

    /// <summary>The filters, read-only, shared by every render in this language.</summary>
    public ScriptObject Filters { get; }

    public PartialLoader Partials { get; }

    public CompiledTemplate Compile(TemplateFile file, List<ConfigError> problems)
    {
        var parts = new List<CompiledPart>();
        var before = problems.Count;
        foreach (var section in new[] { file.Subject!, file.Text, file.Html })
            if (_sources.Parse(file, section, problems) is { } template) parts.Add(new CompiledPart(section.Part, template));
        return problems.Count > before
            ? CompiledTemplate.Broken(file, this, _sources, problems[before].ToString())
            : new CompiledTemplate(file, this, _sources, parts);
    }
}
