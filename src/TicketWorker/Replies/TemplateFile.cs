using System.Text.RegularExpressions;
using TicketWorker.Configuration;

namespace TicketWorker.Replies;

/// <summary>
/// A parsed template or partial file: a <c>subject:</c> line, then <c>--- text ---</c> and
/// <c>--- html ---</c> sections (format in templates/README.md). Partials have no subject and may
/// have no sections at all, then one body serves text and HTML.
/// </summary>
internal sealed partial class TemplateFile
{
    public required string Name { get; init; }
    /// <summary>Null for a language-neutral partial (<c>partials/footer.liquid</c>).</summary>
    public string? Language { get; init; }
    public required string DisplayPath { get; init; }
    public TemplateSection? Subject { get; init; }
    public required TemplateSection Text { get; init; }
    public required TemplateSection Html { get; init; }

    [GeneratedRegex(@"^\s*-{3,}\s*(text|html)\s*-{3,}\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex SectionMarker();

    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9_-]*)\s*:")]
    private static partial Regex HeaderLine();

    /// <summary>Parses a file; problems go to <paramref name="errors"/> and null is returned when unusable.</summary>
    public static TemplateFile? Parse(string name, string? language, string displayPath, string content, bool isPartial, List<ConfigError> errors)
    {
        var lines = content.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        TemplateSection? subject = null;
        var bodies = new Dictionary<string, (int Line, List<string> Lines)>(StringComparer.OrdinalIgnoreCase);
        List<string>? current = null;
        var header = new List<string>();
        var headerStart = 1;
        var before = errors.Count;

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var lineNo = i + 1;
            if (SectionMarker().Match(line) is { Success: true } m)
            {
                var part = m.Groups[1].Value.ToLowerInvariant();
                if (bodies.ContainsKey(part))
                {
                    errors.Add(new ConfigError(displayPath, lineNo, 1, $"second '--- {part} ---' section (each section once)"));
                    current = null;
                    continue;
                }
                current = [];
                bodies[part] = (lineNo + 1, current);
                continue;
            }
            if (current is not null) { current.Add(line); continue; }
            if (isPartial) { header.Add(line); continue; }

            // Before the first section: blank lines, '#' comments and 'subject: …'.
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#')) continue;
            if (HeaderLine().Match(line) is { Success: true } h)
            {
                var key = h.Groups[1].Value;
                if (!key.Equals("subject", StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add(new ConfigError(displayPath, lineNo, 1, $"unknown header '{key}:' (only 'subject:' comes before the sections)"));
                    continue;
                }
                if (subject is not null)
                {
                    errors.Add(new ConfigError(displayPath, lineNo, 1, "second 'subject:' line"));
                    continue;
                }
                var valueStart = h.Length;
                while (valueStart < line.Length && line[valueStart] == ' ') valueStart++;
                subject = new TemplateSection("subject", line[valueStart..].TrimEnd(), lineNo, valueStart + 1);
                continue;
            }
            errors.Add(new ConfigError(displayPath, lineNo, 1,
                "expected 'subject: …' or a section line '--- text ---' / '--- html ---' here"));
        }

        if (isPartial && bodies.Count == 0)
        {
            // A partial without sections: the whole file is used in text and HTML alike.
            var whole = new TemplateSection("text", Join(header), headerStart, 1);
            return new TemplateFile { Name = name, Language = language, DisplayPath = displayPath, Text = whole, Html = whole with { Part = "html" } };
        }
        if (isPartial && header.Any(l => l.Trim().Length > 0))
            errors.Add(new ConfigError(displayPath, 1, 1, "text before the first section of a partial (put it inside '--- text ---' or '--- html ---')"));

        var lastLine = lines.Length;
        if (!isPartial && subject is null)
            errors.Add(new ConfigError(displayPath, 1, 1, "missing 'subject: …' line before the sections"));
        else if (subject is not null && subject.Source.Length == 0)
            errors.Add(new ConfigError(displayPath, subject.Line, subject.Column, "the subject is empty"));
        foreach (var part in new[] { "text", "html" })
            if (!bodies.ContainsKey(part))
                errors.Add(new ConfigError(displayPath, lastLine, 1, $"missing '--- {part} ---' section"));
        if (errors.Count > before) return null;

        // A partial has no newline of its own at the end: "{% include 'footer' %}" on a line of its own
        // keeps that line's newline, and an include within a line does not break it.
        TemplateSection Section(string part) => new(part, Join(bodies[part].Lines), bodies[part].Line, 1);
        return new TemplateFile
        {
            Name = name, Language = language, DisplayPath = displayPath, Subject = subject,
            Text = Section("text"), Html = Section("html"),
        };
    }

    // Trailing blank lines belong to the file layout, not to the mail.
    private static string Join(List<string> lines)
    {
        var end = lines.Count;
        while (end > 0 && lines[end - 1].Trim().Length == 0) end--;
        return string.Join("\n", lines.Take(end));
    }
}
