using TicketWorker.Configuration;

namespace TicketWorker.Replies;

/// <summary>
/// Validates a templates folder for <c>ticketworker check</c>: file names and language codes, the
/// file format, Liquid syntax, every include present for each language that uses it (all with
/// <c>file:line:col</c>), then renders every template with <see cref="SampleReplyModels"/> under
/// strict variables, so an unknown variable or filter is found before a customer's mail is due.
/// Also requires each template in the default language.
/// </summary>
public static class TemplateValidator
{
    /// <summary>Every problem found; empty when all templates render.</summary>
    public static IReadOnlyList<ConfigError> Validate(string directory, string defaultLanguage = "en", IEnumerable<string>? requiredTemplates = null)
    {
        var renderer = TemplateRenderer.Load(directory, defaultLanguage);
        var errors = new List<ConfigError>();
        var display = AppSettingsLoader.DisplayPath(renderer.Directory);
        if (!System.IO.Directory.Exists(renderer.Directory)) return renderer.Problems;

        if (!TemplateRenderer.IsKnownLanguage(defaultLanguage))
            errors.Add(new ConfigError(display, 0, 0, $"unknown default language '{defaultLanguage}'"));
        errors.AddRange(renderer.Problems);
        var broken = renderer.Problems.Select(p => p.File).ToHashSet(StringComparer.Ordinal);

        // Includes, per language of the templates that may include them.
        var languages = renderer.Templates.Values.SelectMany(l => l).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var file in renderer.Files.Where(f => !broken.Contains(f.DisplayPath)))
        {
            var fileLanguages = file.Language is { } l ? [l] : languages;
            foreach (var section in new[] { file.Subject, file.Text, file.Html }.OfType<TemplateSection>().DistinctBy(s => s.Source + s.Line))
            {
                var sources = new TemplateSources();
                var template = sources.Parse(file, section, []);
                if (template?.Page is null) continue;
                foreach (var (name, span) in IncludeScanner.Scan(template.Page))
                {
                    if (!PartialLoader.IsPartialName(name))
                    {
                        var error = sources.Locate(span, PartialLoader.NotAName(name));
                        if (!errors.Contains(error)) errors.Add(error);
                        broken.Add(file.DisplayPath);
                        continue;
                    }
                    foreach (var language in fileLanguages.Where(language => !renderer.HasPartial(language, name)))
                    {
                        var error = sources.Locate(span, $"include '{name}' not found for language '{language}' (expected partials/{name}.{language}{TemplateRenderer.Extension} or partials/{name}{TemplateRenderer.Extension})");
                        if (!errors.Contains(error)) errors.Add(error);
                        broken.Add(file.DisplayPath);
                    }
                }
            }
        }

        foreach (var (name, langs) in renderer.Templates)
        {
            foreach (var language in langs)
            {
                var file = renderer.Files.First(f => f.Subject is not null && f.Name == name && f.Language == language);
                if (broken.Contains(file.DisplayPath)) continue;
                foreach (var model in SampleReplyModels.All)
                {
                    try { renderer.Render(name, language, model, strictVariables: true); }
                    catch (TemplateException e)
                    {
                        var error = new ConfigError(e.File ?? file.DisplayPath, e.Line, e.Column,
                            $"{e.Part}: rendering with a sample ticket failed: {e.Reason ?? e.Message}");
                        if (!errors.Contains(error)) errors.Add(error);
                        break;
                    }
                }
            }
        }

        var names = (requiredTemplates ?? TemplateNames.All).Concat(renderer.Templates.Keys).Distinct();
        var normalized = TemplateRenderer.Normalize(defaultLanguage) ?? "en";
        foreach (var name in names)
            if (!renderer.Templates.TryGetValue(name, out var have) || !have.Contains(normalized))
                errors.Add(new ConfigError(display, 0, 0,
                    $"template '{name}' is missing in the default language '{normalized}' (add {name}.{normalized}{TemplateRenderer.Extension})"));
        return errors;
    }
}
