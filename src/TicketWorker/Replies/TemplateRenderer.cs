using System.Globalization;
using System.Text.RegularExpressions;
using TicketWorker.Configuration;

namespace TicketWorker.Replies;

/// <summary>
/// Renders reply templates from a folder (<c>{name}.{lang}.liquid</c>, partials in <c>partials/</c>):
/// Liquid, parsed and rendered by Scriban. Values are escaped on output in the HTML body only.
/// A reply is all or nothing: any failure throws <see cref="TemplateException"/>.
/// Thread-safe once loaded.
/// </summary>
public sealed partial class TemplateRenderer
{
    private readonly Dictionary<(string Name, string Language), CompiledTemplate> _templates;
    private readonly Dictionary<string, LanguageEnvironment> _environments;

    /// <summary>The extension of template and partial files.</summary>
    public const string Extension = ".liquid";

    private TemplateRenderer(string directory, string defaultLanguage, Dictionary<(string, string), CompiledTemplate> templates,
        List<ConfigError> problems, List<TemplateFile> files, TemplateLimits limits, Dictionary<string, LanguageEnvironment> environments)
    {
        Limits = limits;
        _environments = environments;
        Directory = directory;
        DefaultLanguage = defaultLanguage;
        _templates = templates;
        Problems = problems;
        Files = files;
    }

    /// <summary>Loop, recursion, output and time limits of every render.</summary>
    public TemplateLimits Limits { get; }

    /// <summary>The templates folder (full path).</summary>
    public string Directory { get; }

    /// <summary>Used when a template is missing in the customer's language (then English).</summary>
    public string DefaultLanguage { get; }

    /// <summary>Problems found while loading (file names, syntax); the templates concerned throw on render.</summary>
    public IReadOnlyList<ConfigError> Problems { get; }

    /// <summary>Every parsed template and partial file, for the validator.</summary>
    internal IReadOnlyList<TemplateFile> Files { get; }

    /// <summary>Template names found, with their languages.</summary>
    /// <remarks>Built once: the notifier asks for every mail it writes, and the templates do not change after loading.</remarks>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Templates =>
        _names ??= _templates.Keys.GroupBy(k => k.Name).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(k => k.Language).Order().ToList());

    private IReadOnlyDictionary<string, IReadOnlyList<string>>? _names;

    [GeneratedRegex("^[a-z]{2,3}$")]
    private static partial Regex LanguageCode();

    /// <summary>Loads and compiles every template in <paramref name="directory"/>; never throws for bad templates (see <see cref="Problems"/>).</summary>
    public static TemplateRenderer Load(string directory, string defaultLanguage = "en", TemplateLimits? limits = null)
    {
        limits ??= TemplateLimits.Default;
        var environments = new Dictionary<string, LanguageEnvironment>(StringComparer.Ordinal);
        var full = Path.GetFullPath(directory);
        var problems = new List<ConfigError>();
        var files = new List<TemplateFile>();
        var templates = new Dictionary<(string, string), CompiledTemplate>();
        if (!System.IO.Directory.Exists(full))
        {
            problems.Add(new ConfigError(AppSettingsLoader.DisplayPath(full), 0, 0, "templates folder not found (TemplatesPath in appsettings.json)"));
            return new TemplateRenderer(full, defaultLanguage, templates, problems, files, limits, environments);
        }

        // Handlebars files of older versions would silently not be read: say so.
        foreach (var old in System.IO.Directory.EnumerateFiles(full, "*.hbs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            problems.Add(new ConfigError(AppSettingsLoader.DisplayPath(old), 0, 0,
                $"Handlebars templates are no longer read: convert it to Liquid as {Path.GetFileNameWithoutExtension(old)}{Extension} (see templates/README.md)"));

        var partials = new List<TemplateFile>();
        var partialDir = Path.Combine(full, "partials");
        if (System.IO.Directory.Exists(partialDir))
            foreach (var path in System.IO.Directory.EnumerateFiles(partialDir, "*" + Extension).Order(StringComparer.Ordinal))
                if (ReadFile(path, isPartial: true, problems) is { } partial) partials.Add(partial);
        var mains = new List<TemplateFile>();
        foreach (var path in System.IO.Directory.EnumerateFiles(full, "*" + Extension).Order(StringComparer.Ordinal))
            if (ReadFile(path, isPartial: false, problems) is { } main) mains.Add(main);
        files.AddRange(partials);
        files.AddRange(mains);

        var sources = new TemplateSources();
        foreach (var group in mains.GroupBy(f => f.Language!))
        {
            var environment = new LanguageEnvironment(group.Key, partials, sources, limits, problems);
            environments[group.Key] = environment;
            foreach (var file in group) templates[(file.Name, group.Key)] = environment.Compile(file, problems);
        }
        return new TemplateRenderer(full, defaultLanguage, templates, problems, files, limits, environments);
    }

    /// <summary>The language whose template will be used: <paramref name="language"/>, else the default language, else English; null when none exists.</summary>
    public string? ResolveLanguage(string name, string? language)
    {
        foreach (var candidate in new[] { Normalize(language), Normalize(DefaultLanguage), "en" })
            if (candidate is not null && _templates.ContainsKey((name, candidate))) return candidate;
        return null;
    }

    /// <summary>Renders template <paramref name="name"/> in <paramref name="language"/> (with fallback); throws <see cref="TemplateException"/> on any failure.</summary>
    public RenderedReply Render(string name, string? language, ReplyModel model) => Render(name, language, model, strictVariables: false);

    /// <summary>As <see cref="Render(string, string?, ReplyModel)"/>; with <paramref name="strictVariables"/> an unknown variable or filter fails (check).</summary>
    internal RenderedReply Render(string name, string? language, ReplyModel model, bool strictVariables)
    {
        ArgumentNullException.ThrowIfNull(model);
        var resolved = ResolveLanguage(name, language)
            ?? throw new TemplateException($"no template '{name}' for language '{language}', the default '{DefaultLanguage}' or English");
        var template = _templates[(name, resolved)];
        var data = TemplateData.From(model);
        return template.Render(data, resolved, Limits, strictVariables);
    }

    /// <summary>Whether a partial of this name can be included in templates of <paramref name="language"/>.</summary>
    internal bool HasPartial(string language, string name) => _environments.TryGetValue(language, out var e) && e.Partials.Has(name);

    /// <summary>"fa-IR" → "fa"; null for an empty value.</summary>
    internal static string? Normalize(string? language)
    {
        if (string.IsNullOrWhiteSpace(language)) return null;
        var primary = language.Trim().Split('-', '_')[0].ToLowerInvariant();
        return primary.Length == 0 ? null : primary;
    }

    /// <summary>True for an ISO 639 code the runtime knows (e.g. <c>fa</c>, <c>el</c>).</summary>
    internal static bool IsKnownLanguage(string code)
    {
        if (!LanguageCode().IsMatch(code)) return false;
        try { return !CultureInfo.GetCultureInfo(code, predefinedOnly: true).Equals(CultureInfo.InvariantCulture); }
        catch (CultureNotFoundException) { return false; }
    }

    private static TemplateFile? ReadFile(string path, bool isPartial, List<ConfigError> problems)
    {
        var display = AppSettingsLoader.DisplayPath(path);
        var stem = Path.GetFileName(path)[..^Extension.Length];
        var dot = stem.LastIndexOf('.');
        string name;
        string? language;
        if (dot > 0) { name = stem[..dot]; language = stem[(dot + 1)..]; }
        else if (isPartial) { name = stem; language = null; }
        else
        {
            problems.Add(new ConfigError(display, 0, 0, "template file names are {name}.{language}.liquid, e.g. ack.en.liquid"));
            return null;
        }
        if (language is not null && !IsKnownLanguage(language))
        {
            problems.Add(new ConfigError(display, 0, 0, $"unknown language code '{language}' (use a lower-case ISO 639 code such as en, fa, ru, el)"));
            return null;
        }
        string content;
        try { content = File.ReadAllText(path); }
        catch (IOException e) { problems.Add(new ConfigError(display, 0, 0, e.Message)); return null; }
        return TemplateFile.Parse(name, language, display, content, isPartial, problems);
    }
}
