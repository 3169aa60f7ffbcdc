namespace TicketWorker.Replies;

/// <summary>A template file compiled for its language, or the reason it cannot be used.</summary>
internal sealed class CompiledTemplate(TemplateFile file, IReadOnlyList<CompiledPart> parts, string? error = null)
{
    public TemplateFile File { get; } = file;

    public string? Error { get; } = error;

    public static CompiledTemplate Broken(TemplateFile file, string error) => new(file, [], error);

    /// <summary>Renders every part into strings before returning, so a failure leaves nothing half-rendered.</summary>
    public RenderedReply Render(object data, string language)
    {
        if (Error is not null) throw new TemplateException($"template cannot be used: {Error}") { File = File.DisplayPath };
        var output = new Dictionary<string, string>();
        foreach (var part in parts)
        {
            try
            {
                output[part.Part] = part.Template(data, null!);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var reason = e.Message.Split("\n\n")[0].Trim();
                throw new TemplateException($"{File.DisplayPath}: {part.Part}: {reason}", e) { File = File.DisplayPath, Part = part.Part };
            }
        }
        // A subject is one line (RFC 5322 §2.2.3 folding is the mail writer's job).
        var subject = string.Join(' ', output["subject"].Split((char[])['\r', '\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        if (subject.Length == 0)
            throw new TemplateException($"{File.DisplayPath}: subject: renders empty") { File = File.DisplayPath, Part = "subject" };
        return new RenderedReply(subject, output["text"], output["html"], language);
    }
}
