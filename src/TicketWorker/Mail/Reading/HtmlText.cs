using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace TicketWorker.Mail.Reading;

/// <summary>Turns an HTML body into readable plain text (for HTML-only mail).</summary>
internal static class HtmlText
{
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase)
    {
        "head", "title", "style", "script", "template", "noscript", "iframe", "object", "svg", "meta", "link", "button", "select",
    };

    private static readonly HashSet<string> Paragraphs = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "table", "dl", "hr", "address", "figure",
    };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "div", "li", "tr", "section", "article", "header", "footer", "nav", "aside", "main", "form", "fieldset",
        "dt", "dd", "caption", "center", "tbody", "thead", "tfoot", "details", "summary", "figcaption",
    };

    /// <summary>
    /// Readable text: no head/style/script content, block elements on their own lines, paragraphs
    /// separated by a blank line, &lt;br&gt; as a line break, list items as "- " (or "1. "),
    /// links as their text, entities decoded, whitespace collapsed outside &lt;pre&gt;. LF line ends.
    /// </summary>
    public static string Convert(string html)
    {
        if (string.IsNullOrWhiteSpace(html)) return "";
        return Convert(Parse(html));
    }

    // A parser builds its configuration and browsing context when it is made, which cost as much as parsing
    // a short mail; one per thread is reused (a parser keeps no state between documents, each document is the caller's).
    [ThreadStatic]
    private static HtmlParser? _parser;

    /// <summary>Parses an HTML body into a document of its own, with the calling thread's parser.</summary>
    public static IHtmlDocument Parse(string html) => (_parser ??= new HtmlParser(Options)).ParseDocument(html);

    // What the text and the quote stages never look at is not built: element positions in the source, comments,
    // and the text of scripts (a script's content is never text; <style> is walked past as it is).
    private static readonly HtmlParserOptions Options = new()
    {
        DisableElementPositionTracking = true,
        SkipComments = true,
        SkipScriptText = true,
    };

    /// <summary>The readable text of a parsed (and possibly edited) document, as <see cref="Convert(string)"/>.</summary>
    public static string Convert(IDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var writer = new TextWriterState();
        var root = (INode?)document.Body ?? document.DocumentElement;
        if (root is not null) Walk(root, writer, preformatted: false);
        return writer.Finish();
    }

    private static void Walk(INode node, TextWriterState w, bool preformatted)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText text:
                    w.Text(text.Data, preformatted);
                    break;
                case IElement element:
                    WalkElement(element, w, preformatted);
                    break;
            }
        }
    }

    private static void WalkElement(IElement element, TextWriterState w, bool preformatted)
    {
        var name = element.LocalName;
        if (Skipped.Contains(name) || IsHidden(element)) return;
        switch (name)
        {
            case "br":
                w.LineBreak();
                return;
            case "img":
                return;
            case "td" or "th":
                w.CellSeparator();
                Walk(element, w, preformatted);
                return;
            case "li":
                w.Block(1);
                w.Literal(element.ParentElement?.LocalName == "ol" ? ListNumber(element) + ". " : "- ");
                Walk(element, w, preformatted);
                w.Block(1);
                return;
        }
        var paragraph = Paragraphs.Contains(name);
        var block = paragraph || Blocks.Contains(name);
        if (block) w.Block(paragraph ? 2 : 1);
        if (name == "hr") return;
        Walk(element, w, preformatted || name == "pre");
        if (block) w.Block(paragraph ? 2 : 1);
    }

    private static int ListNumber(IElement li)
    {
        var n = 1;
        for (var sibling = li.PreviousElementSibling; sibling is not null; sibling = sibling.PreviousElementSibling)
        {
            if (sibling.LocalName == "li") n++;
        }
        return n;
    }

    private static bool IsHidden(IElement element)
    {
        if (element.HasAttribute("hidden")) return true;
        var style = element.GetAttribute("style");
        return style is not null && style.Replace(" ", "").Contains("display:none", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Accumulates text with whitespace collapsing and at most one blank line between blocks.</summary>
    private sealed class TextWriterState
    {
        private readonly StringBuilder _sb = new();
        private int _pendingNewlines;
        private bool _pendingSpace;
        private bool _lineHasText;

        public void Text(string data, bool preformatted)
        {
            if (preformatted)
            {
                foreach (var line in data.Replace("\r\n", "\n").Split('\n').Select((l, i) => (l, i)))
                {
                    if (line.i > 0) LineBreak();
                    if (line.l.Length > 0) Literal(line.l);
                }
                return;
            }
            // Runs of visible characters are appended at once; whitespace between them collapses to one pending space.
            var rest = data.AsSpan();
            while (rest.Length > 0)
            {
                var space = 0;
                while (space < rest.Length && IsCollapsible(rest[space])) space++;
                if (space > 0)
                {
                    if (_lineHasText) _pendingSpace = true;
                    rest = rest[space..];
                    continue;
                }
                var run = 1;
                while (run < rest.Length && !IsCollapsible(rest[run])) run++;
                Emit(rest[..run]);
                rest = rest[run..];
            }
        }

        private static bool IsCollapsible(char c) => char.IsWhiteSpace(c) && c != '\u00a0';

        public void Literal(string s)
        {
            if (s.Length > 0) Emit(s);
        }

        public void LineBreak()
        {
            _sb.Append('\n');
            _pendingNewlines = 0;
            _pendingSpace = false;
            _lineHasText = false;
        }

        public void Block(int newlines)
        {
            if (_sb.Length == 0) return;
            _pendingNewlines = Math.Max(_pendingNewlines, newlines);
            _pendingSpace = false;
        }

        public void CellSeparator()
        {
            if (_lineHasText) _pendingSpace = true;
        }

        // Lines trimmed at their end, runs of blank lines as one, none at the start or the end. Read in place and
        // written once into a buffer of the right size (a copy per line and two more of the whole text before).
        public string Finish()
        {
            var text = _sb.ToString();
            var result = new StringBuilder(text.Length);
            var blank = 0;
            foreach (var range in text.AsSpan().Split('\n'))
            {
                var line = text.AsSpan(range).TrimEnd();
                if (line.Length == 0)
                {
                    if (result.Length > 0 && ++blank == 1) result.Append('\n');
                    continue;
                }
                blank = 0;
                result.Append(line).Append('\n');
            }
            var end = result.Length;
            while (end > 0 && result[end - 1] == '\n') end--;
            return result.ToString(0, end);
        }

        private void Emit(ReadOnlySpan<char> run)
        {
            if (_pendingNewlines > 0)
            {
                var existing = 0;
                for (var i = _sb.Length - 1; i >= 0 && _sb[i] == '\n' && existing < 2; i--) existing++;
                if (_sb.Length > 0 && existing < _pendingNewlines) _sb.Append('\n', _pendingNewlines - existing);
                _pendingNewlines = 0;
                _pendingSpace = false;
                _lineHasText = false;
            }
            if (_pendingSpace)
            {
                _sb.Append(' ');
                _pendingSpace = false;
            }
            _sb.Append(run);
            _lineHasText = true;
        }
    }
}
