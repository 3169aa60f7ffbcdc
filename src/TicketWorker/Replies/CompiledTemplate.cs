using Scriban.Runtime;
using Scriban.Syntax;

namespace TicketWorker.Replies;

/// <summary>A template file compiled for its language, or the reason it cannot be used.</summary>
internal sealed class CompiledTemplate(TemplateFile file, LanguageEnvironment environment, TemplateSources sources,
    IReadOnlyList<CompiledPart> parts, string? error = null)
{
    public TemplateFile File { get; } = file;

    public string? Error { get; } = error;

    public static CompiledTemplate Broken(TemplateFile file, LanguageEnvironment environment, TemplateSources sources, string error) =>
        new(file, environment, sources, [], error);

    /// <summary>Renders every part into strings before returning, so a failure leaves nothing half-rendered.</summary>
    /// <param name="strictVariables">Unknown variables and filters fail (check); otherwise an unknown variable renders as nothing.</param>
    public RenderedReply Render(ScriptObject data, string language, TemplateLimits limits, bool strictVariables = false)
    {
        if (Error is not null) throw new TemplateException($"template cannot be used: {Error}") { File = File.DisplayPath, Reason = Error };
        var output = new Dictionary<string, string>();
        foreach (var part in parts) output[part.Part] = RenderPart(part, data, limits, strictVariables);
        // A subject is one line (RFC 5322 §2.2.3 folding is the mail writer's job).
        var subject = string.Join(' ', output["subject"].Split((char[])['\r', '\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        if (subject.Length == 0)
            throw new TemplateException($"{File.DisplayPath}: subject: renders empty")
                { File = File.DisplayPath, Part = "subject", Line = File.Subject!.Line, Column = File.Subject.Column, Reason = "renders empty" };
        return new RenderedReply(subject, output["text"], output["html"], language);
    }

    private string RenderPart(CompiledPart part, ScriptObject data, TemplateLimits limits, bool strictVariables)
    {
        using var timeout = new CancellationTokenSource(limits.Timeout);
        var context = environment.Rent(part.Part == "html", data, strictVariables, timeout.Token);
        try
        {
            var output = part.Template.Render(context);
            environment.Return(context);
            return output;
        }
        catch (ScriptRuntimeException e) when (timeout.IsCancellationRequested)
        {
            throw Failure(part, e.Span, TookTooLong(limits), e);
        }
        catch (ScriptRuntimeException e)
        {
            throw Failure(part, e.Span, e.OriginalMessage, e);
        }
        catch (Exception e) when (e is InsufficientExecutionStackException or InvalidOperationException or ArgumentException or FormatException
                                      or OverflowException or OperationCanceledException)
        {
            var reason = timeout.IsCancellationRequested ? TookTooLong(limits) : e.Message;
            throw Failure(part, context.CurrentSpan, reason, e);
        }
    }

    private static string TookTooLong(TemplateLimits limits) =>
        FormattableString.Invariant($"rendering took longer than {limits.Timeout.TotalSeconds:0.#} s (stopped)");

    private TemplateException Failure(CompiledPart part, Scriban.Parsing.SourceSpan span, string reason, Exception inner)
    {
        var at = sources.Locate(span, reason);
        var file = at.Line > 0 ? at.File : File.DisplayPath;
        var location = at.Line > 0 ? $"{at.File}:{at.Line}:{at.Column}" : File.DisplayPath;
        return new TemplateException($"{location}: {part.Part}: {reason}", inner)
            { File = file, Part = part.Part, Line = at.Line, Column = at.Column, Reason = reason };
    }
}
