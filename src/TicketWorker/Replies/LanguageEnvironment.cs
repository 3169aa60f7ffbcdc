using System.Collections.Concurrent;
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
    // Idle contexts for the text parts (subject, text) and the HTML part. A Scriban context costs
    // ~14 µs and 21 KB to build, most of a reply's cost, so contexts are reused after a render that
    // ended well (one that failed may have left state behind and is dropped).
    private readonly ConcurrentBag<ReplyTemplateContext> _idleText = [];
    private readonly ConcurrentBag<ReplyTemplateContext> _idleHtml = [];

    public LanguageEnvironment(string language, IEnumerable<TemplateFile> partials, TemplateSources sources, TemplateLimits limits, List<ConfigError> problems)
    {
        Language = language;
        Limits = limits;
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

    public TemplateLimits Limits { get; }

    public LanguageFormat Format { get; }

    /// <summary>The filters, read-only, shared by every render in this language.</summary>
    public ScriptObject Filters { get; }

    public PartialLoader Partials { get; }

    /// <summary>A context ready to render one part with <paramref name="data"/>: filters, then the model, then the template's own variables.</summary>
    public ReplyTemplateContext Rent(bool html, ScriptObject data, bool strictVariables, CancellationToken cancellationToken)
    {
        if (!(html ? _idleHtml : _idleText).TryTake(out var context))
            context = new ReplyTemplateContext(Format, Partials, html, Limits);
        context.StrictVariables = strictVariables;
        context.CancellationToken = cancellationToken;
        context.PushGlobal(Filters);
        context.PushGlobal(data);
        context.PushGlobal(new ScriptObject());
        return context;
    }

    /// <summary>Takes back a context whose render ended well.</summary>
    public void Return(ReplyTemplateContext context)
    {
        context.Reset();
        context.CancellationToken = CancellationToken.None;
        (context.Html ? _idleHtml : _idleText).Add(context);
    }

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
