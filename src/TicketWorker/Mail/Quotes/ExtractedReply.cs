namespace TicketWorker.Mail.Quotes;

/// <summary>What the writer of a reply added, separated from the quoted text and signature (made by <see cref="ReplyText"/>).</summary>
/// <param name="NewText">The writer's own text, interleaved answers included; LF line ends, at most one blank line in a row, trimmed.</param>
/// <param name="HasQuote">Whether quoted text (a quote, an attribution line, a forwarded or original message) was removed.</param>
/// <param name="HasSignature">Whether a signature (after <c>-- </c>, a client's signature block) or a mobile footer was removed.</param>
public sealed record ExtractedReply(string NewText, bool HasQuote, bool HasSignature);
