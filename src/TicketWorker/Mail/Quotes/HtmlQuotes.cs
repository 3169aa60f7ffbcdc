using AngleSharp.Dom;
using AngleSharp.Css.Dom;
using AngleSharp.Css.Parser;
using TicketWorker.Mail.Reading;

namespace TicketWorker.Mail.Quotes;

/// <summary>
/// The HTML stage of <see cref="ReplyText"/>: removes what mail clients mark as quoted or as a
/// signature in their HTML, and gives the rest as text, with <see cref="QuotePatterns.Marker"/>
/// lines where a quote was (so the text stage keeps interleaved answers apart).
/// </summary>
internal static class HtmlQuotes
{
    public readonly record struct Result(string Text, bool HasQuote, bool HasSignature);

    // Parsed once: a selector given as a string is parsed again on every query.
    private static readonly ISelector Signatures = Selector(
        ".gmail_signature, [data-smartmail=gmail_signature], .moz-signature, #Signature, #signature, " +
        "#ms-outlook-mobile-signature, #ms-outlook-ios-signature, #ms-outlook-android-signature");

    private static readonly ISelector Quotes = Selector("blockquote[type=cite], blockquote.gmail_quote, .gmail_attr, .moz-cite-prefix, .yahoo_quoted");

    private static readonly ISelector LoneBreaks = Selector("div > br, p > br");

    private static ISelector Selector(string selectors) =>
        new CssSelectorParser().ParseSelector(selectors) ?? throw new InvalidOperationException("invalid selector: " + selectors);

    public static Result Strip(string html)
    {
        var document = HtmlText.Parse(html);
        var root = (IElement?)document.Body ?? document.DocumentElement;
        if (root is null) return new Result("", false, false);

        var hasSignature = false;
        foreach (var signature in root.ChildNodes.QuerySelectorAll(Signatures))
        {
            // A signature inside a quote is the quoted writer's: it goes with the quote, not counted as ours.
            hasSignature |= signature.Closest("blockquote") is null;
            signature.Remove();
        }

        var hasQuote = false;
        if (FirstCutPoint(root) is { } cut)
        {
            CutFrom(cut, root);
            hasQuote = true;
        }

        // Quotes the writer may answer between: each goes, leaving a break where it was.
        foreach (var quote in root.ChildNodes.QuerySelectorAll(Quotes))
        {
            if (quote.Parent is null) continue;
            ReplaceWithMarker(quote);
            hasQuote = true;
        }
        KeepEmptyLines(root);
        // The edited document is walked as it is: no second serialization and parse of the HTML.
        return new Result(HtmlText.Convert(document), hasQuote, hasSignature);
    }

    // Gmail, Outlook web and Apple Mail write an empty line as <div><br></div>; the text
    // conversion folds it into the line break of the block, and the writer's blank line is lost.
    private static void KeepEmptyLines(IElement root)
    {
        foreach (var br in root.ChildNodes.QuerySelectorAll(LoneBreaks).ToList())
        {
            var parent = br.ParentElement!;
            if (parent.ChildNodes.Any(n => n != br && (n is IElement || n.TextContent.Trim().Length > 0))) continue;
            br.Replace(br.Owner!.CreateTextNode(QuotePatterns.BlankLine));
        }
    }

    /// <summary>
    /// The first element from which Outlook's quoted message runs to the end: Outlook web's
    /// <c>appendonsend</c> / <c>divRplyFwdMsg</c> (with the rule before it), the new Outlook's
    /// reference container, Outlook for Mac's source section, and Outlook desktop's border-top div
    /// around its header block.
    /// </summary>
    private static IElement? FirstCutPoint(IElement root)
    {
        foreach (var element in root.GetDescendants().OfType<IElement>())
        {
            var id = element.Id ?? "";
            if (id is "appendonsend" or "mail-editor-reference-message-container" or "OLK_SRC_BODY_SECTION") return element;
            if (id == "divRplyFwdMsg")
            {
                return element.PreviousElementSibling is { LocalName: "hr" } rule ? rule : element;
            }
            if (element.LocalName == "div" && IsOutlookSeparator(element)) return element;
        }
        return null;
    }

    private static bool IsOutlookSeparator(IElement div)
    {
        // Outlook desktop: <div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">
        // holding "From: … Sent: …" in the user's language.
        var style = div.GetAttribute("style");
        if (style is null || !style.Contains("border-top", StringComparison.OrdinalIgnoreCase)) return false;
        var text = div.TextContent;
        if (text.Length > 4000) text = text[..4000];
        return QuotePatterns.IsMatch(QuotePatterns.HeaderFrom(), QuotePatterns.Probe(text));
    }

    /// <summary>Removes <paramref name="start"/> and everything after it in document order.</summary>
    private static void CutFrom(IElement start, IElement root)
    {
        for (INode? node = start; node is not null && node != root; node = node.Parent)
        {
            while (node.NextSibling is { } next) next.RemoveFromParent();
        }
        ReplaceWithMarker(start);
    }

    private static void ReplaceWithMarker(IElement element)
    {
        var marker = element.Owner!.CreateElement("p");
        marker.TextContent = QuotePatterns.Marker;
        element.Replace(marker);
    }
}
