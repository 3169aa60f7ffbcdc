namespace TicketWorker.Replies;

/// <summary>
/// A reply template could not be rendered (missing, broken, or failing on this model). Nothing of
/// the reply is usable: the caller fails the outbox row with <see cref="Exception.Message"/>.
/// </summary>
public sealed class TemplateException : Exception
{
    public TemplateException(string message) : base(message) { }

    public TemplateException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The template file, when known (the included partial when the error is in one).</summary>
    public string? File { get; init; }

    /// <summary>The part of the reply that failed: <c>subject</c>, <c>text</c> or <c>html</c>, when known.</summary>
    public string? Part { get; init; }

    /// <summary>1-based line and column in <see cref="File"/>; 0 when unknown.</summary>
    public int Line { get; init; }

    public int Column { get; init; }

    /// <summary>The reason without the location.</summary>
    public string? Reason { get; init; }
}
