namespace TicketWorker.Replies;

/// <summary>
/// A reply template could not be rendered (missing, broken, or failing on this model). Nothing of
/// the reply is usable: the caller fails the outbox row with <see cref="Exception.Message"/>.
/// </summary>
public sealed class TemplateException : Exception
{
    public TemplateException(string message) : base(message) { }

    public TemplateException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The template file, when known.</summary>
    public string? File { get; init; }

    /// <summary>The part that failed: <c>subject</c>, <c>text</c> or <c>html</c>, when known.</summary>
    public string? Part { get; init; }
}
