using TicketWorker.Configuration;

namespace TicketWorker.Replies;

/// <summary>
/// Validates a templates folder for <c>ticketworker check</c>: file names and language codes, the
/// file format, block structure, helpers and partials (with <c>file:line:col</c>), then compiles and
/// renders every template with <see cref="SampleReplyModels"/>, because Handlebars.Net reports a
/// missing partial or helper only when rendering. Also requires each template in the default language.
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

        // Structure first: it has positions, which Handlebars.Net's own errors mostly lack.
        var scanned = new HashSet<string>(StringComparer.Ordinal);
        var languages = renderer.Files.Where(f => f.Subject is not null).Select(f => f.Language!).Distinct().ToList();
        foreach (var file in renderer.Files)
        {
            // A language-neutral partial is checked against each language that uses it.
            var fileLanguages = file.Language is { } l ? [l] : languages.DefaultIfEmpty("en").ToList();
            foreach (var language in fileLanguages)
            {
                var partials = renderer.Files.Where(f => f.Subject is null && (f.Language == language || f.Language is null))
                    .Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
                foreach (var section in new[] { file.Subject, file.Text, file.Html }.OfType<TemplateSection>().DistinctBy(s => s.Source + s.Line))
                {
                    foreach (var p in MustacheScanner.Scan(section.Source, TemplateHelpers.Names.Contains, partials.Contains))
                    {
                        var line = section.Line + p.Line - 1;
                        var column = p.Line == 1 ? section.Column + p.Column - 1 : p.Column;
                        var error = new ConfigError(file.DisplayPath, line, column, $"{section.Part}: {p.Message}");
                        if (!errors.Contains(error)) errors.Add(error);
                        scanned.Add(file.DisplayPath);
                    }
                }
            }
        }
        // Loading problems (names, format, compile errors) unless the scan already explained the file.
        errors.AddRange(renderer.Problems.Where(p => !scanned.Contains(p.File) && !errors.Contains(p)));

        foreach (var (name, langs) in renderer.Templates)
        {
            foreach (var language in langs)
            {
                var file = renderer.Files.First(f => f.Subject is not null && f.Name == name && f.Language == language);
                if (scanned.Contains(file.DisplayPath) || renderer.Problems.Any(p => p.File == file.DisplayPath)) continue;
                foreach (var model in SampleReplyModels.All)
                {
                    try { renderer.Render(name, language, model); }
                    catch (TemplateException e)
                    {
                        var section = e.Part switch { "subject" => file.Subject!, "html" => file.Html, _ => file.Text };
                        var reason = e.InnerException?.Message.Split("\n\n")[0].Trim() ?? e.Message;
                        errors.Add(new ConfigError(file.DisplayPath, section.Line, section.Column, $"{section.Part}: rendering with a sample ticket failed: {reason}"));
                        break;
                    }
                }
            }
        }

        var names = (requiredTemplates ?? TemplateNames.All).Concat(renderer.Templates.Keys).Distinct();
        var normalized = TemplateRenderer.Normalize(defaultLanguage) ?? "en";
        foreach (var name in names)
            if (!renderer.Templates.TryGetValue(name, out var have) || !have.Contains(normalized))
                errors.Add(new ConfigError(display, 0, 0, $"template '{name}' is missing in the default language '{normalized}' (add {name}.{normalized}.hbs)"));
        return errors;
    }
}
