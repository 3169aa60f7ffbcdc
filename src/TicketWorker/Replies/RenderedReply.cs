namespace TicketWorker.Replies;

/// <summary>A fully rendered reply: a one-line subject, a text body and an HTML body, in <see cref="Language"/>.</summary>
/// <param name="Language">The language of the template actually used (after fallback).</param>
public sealed record RenderedReply(string Subject, string Text, string Html, string Language);
