using Scriban;
using Scriban.Parsing;
using TicketWorker.Configuration;

namespace TicketWorker.Replies;

/// <summary>
/// Parses template sections as Liquid and maps Scriban's positions back into the files. Each
/// section is parsed under the name <c>file#part</c>, so an error's span, even one raised inside
/// an include, says which file and section it is in; Scriban's lines and columns are 0-based and
/// relative to the section, <c>check</c> reports 1-based positions in the file.
/// </summary>
internal sealed class TemplateSources
{
    private readonly Dictionary<string, (string File, TemplateSection Section)> _sections = new(StringComparer.Ordinal);

    public static string Key(string displayPath, string part) => $"{displayPath}#{part}";

    /// <summary>The compiled section, or null with its syntax errors added to <paramref name="problems"/>.</summary>
    public Template? Parse(TemplateFile file, TemplateSection section, List<ConfigError> problems)
    {
        var key = Key(file.DisplayPath, section.Part);
        lock (_sections) _sections[key] = (file.DisplayPath, section);
        var template = Template.ParseLiquid(section.Source, key);
        if (!template.HasErrors) return template;
        foreach (var message in template.Messages.Where(m => m.Type == ParserMessageType.Error))
        {
            var error = Locate(message.Span, message.Message);
            if (!problems.Contains(error)) problems.Add(error);
        }
        return null;
    }

    /// <summary>Where a span is in the files, with the section's name before the message.</summary>
    public ConfigError Locate(SourceSpan span, string message)
    {
        (string File, TemplateSection Section) found;
        lock (_sections)
            if (span.FileName is null || !_sections.TryGetValue(span.FileName, out found))
                return new ConfigError(span.FileName ?? "template", 0, 0, message);
        var (file, section) = found;
        var (line0, column0) = (span.Start.Line, span.Start.Column);
        if (line0 < 0)
        {
            // Scriban gives the end of the input no position: it is the end of the section.
            var lines = section.Source.Split('\n');
            (line0, column0) = (lines.Length - 1, lines[^1].Length);
        }
        var line = section.Line + line0;
        var column = line0 == 0 ? section.Column + column0 : column0 + 1;
        return new ConfigError(file, line, column, $"{section.Part}: {message}");
    }
}
