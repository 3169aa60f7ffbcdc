using TicketWorker.Mail.Reading;

namespace TicketWorker.Mail.Quotes;

/// <summary>
/// Separates what the writer of a reply added from the text they quoted and their signature.
/// Pure: no I/O, no state. The HTML body is preferred when there is one because mail clients mark
/// their quotes there exactly (Gmail's <c>gmail_quote</c>, Thunderbird's and Apple Mail's
/// <c>blockquote type="cite"</c>, Outlook's <c>divRplyFwdMsg</c> and header block); the text
/// heuristics (<c>&gt;</c> lines, "On … wrote:", Outlook's "From: … Sent: …", <c>-- </c>, mobile
/// footers) then run over what is left, and over plain text alone otherwise.
/// </summary>
public static class ReplyText
{
    /// <summary>The new text of a read message: from its HTML body when it has one, else from its text body.</summary>
    public static ExtractedReply Extract(ReadMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Extract(message.TextBody, message.HtmlBody);
    }

    /// <summary>The new text of a reply given its text and HTML bodies (either may be null).</summary>
    public static ExtractedReply Extract(string? text, string? html)
    {
        if (!string.IsNullOrWhiteSpace(html))
        {
            var stripped = HtmlQuotes.Strip(html);
            var fromHtml = TextQuotes.Strip(stripped.Text);
            return fromHtml with
            {
                HasQuote = fromHtml.HasQuote || stripped.HasQuote,
                HasSignature = fromHtml.HasSignature || stripped.HasSignature,
            };
        }
        return TextQuotes.Strip(text ?? "");
    }

    /// <summary>The new text of a plain-text reply.</summary>
    public static ExtractedReply FromText(string text) => TextQuotes.Strip(text ?? "");
}
