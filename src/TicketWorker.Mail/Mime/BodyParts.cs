using System.Text;

namespace TicketWorker.Mail.Mime;

/// <summary>
/// Chooses the body parts of a message: which leaves are the text and HTML body, and which are
/// attachments. Does not descend into embedded messages (they are attachments themselves).
/// </summary>
internal sealed class BodyParts
{
    private readonly MimeEntity _root;

    private BodyParts(MimeEntity root) => _root = root;

    /// <summary>The parts that make the text body, in order (RFC 8621 §4.1.4 textBody).</summary>
    public List<MimeEntity> Text { get; } = [];

    /// <summary>The parts that make the HTML body, in order (RFC 8621 §4.1.4 htmlBody).</summary>
    public List<MimeEntity> Html { get; } = [];

    public static BodyParts Select(MimeEntity root)
    {
        var parts = new BodyParts(root);
        if (root.IsMultipart) parts.Collect(root.Children, root.ContentType.MediaSubtype, root.ContentType.MediaSubtype == "alternative", parts.Text, parts.Html, root.ContentType);
        else parts.Collect([root], "mixed", false, parts.Text, parts.Html);
        return parts;
    }

    /// <summary>The text body: text/plain parts (flowed joined) and HTML parts as readable text, LF line ends.</summary>
    public string? BuildText()
    {
        var sb = new StringBuilder();
        var any = false;
        foreach (var part in Text)
        {
            string text;
            if (part.ContentType.MediaSubtype == "plain") text = ReadableText(part);
            else if (part.ContentType.MediaSubtype == "html") text = HtmlToText.Convert(part.GetText() ?? "");
            else continue;
            any = true;
            if (string.IsNullOrWhiteSpace(text)) continue;
            if (sb.Length > 0 && sb[^1] != '\n') sb.Append('\n');
            sb.Append(text);
        }
        if (sb.Length == 0 && Html.Any(IsHtml))
        {
            // An empty text alternative next to real HTML: the HTML is the content.
            var html = HtmlToText.Convert(BuildHtml() ?? "");
            if (html.Length > 0 || !any) return html;
        }
        if (any) return sb.ToString();
        if (_root.IsMultipart && _root.Children.Count == 0 && _root.Preamble is { } preamble)
        {
            // A multipart without parts: what there is sits in the preamble.
            return NormalizeLineEnds(preamble);
        }
        return null;
    }

    /// <summary>The HTML body: the text/html parts of the HTML body list, joined; null when there is none.</summary>
    public string? BuildHtml()
    {
        var html = Html.Where(IsHtml).ToList();
        if (html.Count == 0) return null;
        if (html.Count == 1) return html[0].GetText();
        return string.Join("\n", html.Select(h => h.GetText()));
    }

    /// <summary>Every leaf of the main tree that is not text or HTML body content, in order.</summary>
    public IReadOnlyList<MimeAttachment> BuildAttachments()
    {
        var list = new List<MimeAttachment>();
        CollectAttachments(_root, list);
        return list;
    }

    /// <summary>Text of a text/plain part with LF line ends, format=flowed joined (RFC 3676).</summary>
    internal static string ReadableText(MimeEntity part)
    {
        var text = NormalizeLineEnds(part.GetText() ?? "");
        var format = part.ContentType.Parameters.TryGetValue("format", out var f) ? f : null;
        if (string.Equals(format?.Trim(), "flowed", StringComparison.OrdinalIgnoreCase))
        {
            var delSp = part.ContentType.Parameters.TryGetValue("delsp", out var d) && string.Equals(d.Trim(), "yes", StringComparison.OrdinalIgnoreCase);
            text = FlowedText.Unflow(text, delSp);
        }
        return text;
    }

    internal static string NormalizeLineEnds(string text) =>
        text.Contains('\r') ? text.Replace("\r\n", "\n").Replace('\r', '\n') : text;

    /// <summary>
    /// RFC 2387 §3.1-3.2: the root of multipart/related is the part named by "start", else the
    /// first; MHTML writers that put resources first still name the root's type in "type".
    /// </summary>
    private static IReadOnlyList<MimeEntity> RootFirst(IReadOnlyList<MimeEntity> parts, ContentType? related)
    {
        if (related is null || parts.Count < 2) return parts;
        var start = related.Parameters.TryGetValue("start", out var s) ? s.Trim().Trim('<', '>') : null;
        var rootType = related.Parameters.TryGetValue("type", out var t) ? t.Trim().ToLowerInvariant() : null;
        var root = start is not null
            ? parts.FirstOrDefault(p => p.ContentId == start)
            : rootType is not null && parts[0].ContentType.MimeType != rootType ? parts.FirstOrDefault(p => p.ContentType.MimeType == rootType) : null;
        if (root is null || ReferenceEquals(root, parts[0])) return parts;
        return [root, .. parts.Where(p => !ReferenceEquals(p, root))];
    }

    private static bool IsHtml(MimeEntity part) => part.ContentType.Is("text", "html");

    private static bool IsInlineMediaType(ContentType type) => type.MediaType is "image" or "audio" or "video";

    /// <summary>
    /// RFC 8621 §4.1.4 (JMAP) body selection, which mail clients agree on: inline text, HTML and
    /// media parts form the text and HTML bodies; inside multipart/alternative the plain part goes
    /// to the text body and the HTML part to the HTML body; a named text part that is not first is
    /// a file. Multipart/signed contributes only its first part (RFC 1847 §2.1).
    /// </summary>
    private void Collect(IReadOnlyList<MimeEntity> parts, string multipartType, bool inAlternative, List<MimeEntity>? text, List<MimeEntity>? html,
        ContentType? relatedType = null)
    {
        var textLength = text?.Count ?? -1;
        var htmlLength = html?.Count ?? -1;
        if (multipartType == "signed" && parts.Count > 1) parts = [parts[0]];
        if (multipartType == "related") parts = RootFirst(parts, relatedType);
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            var type = part.ContentType;
            if (part.IsMultipart)
            {
                Collect(part.Children, type.MediaSubtype, inAlternative || type.MediaSubtype == "alternative", text, html, type);
                continue;
            }
            var isBodyType = type.Is("text", "plain") || type.Is("text", "html") || IsInlineMediaType(type);
            var isInline = !part.IsAttachment && isBodyType &&
                (i == 0 || (multipartType != "related" && (IsInlineMediaType(type) || part.FileName is null)));
            if (!isInline) continue;
            if (multipartType == "alternative")
            {
                if (type.Is("text", "plain")) text?.Add(part);
                else if (type.Is("text", "html")) html?.Add(part);
                continue;
            }
            if (inAlternative)
            {
                if (type.Is("text", "plain")) html = null;
                if (type.Is("text", "html")) text = null;
            }
            text?.Add(part);
            html?.Add(part);
        }
        if (multipartType == "alternative" && text is not null && html is not null)
        {
            // Only an HTML alternative found: it serves as text too, and vice versa.
            if (textLength == text.Count && htmlLength != html.Count) text.AddRange(html.Skip(htmlLength));
            if (htmlLength == html.Count && textLength != text.Count) html.AddRange(text.Skip(textLength));
        }
    }

    private void CollectAttachments(MimeEntity entity, List<MimeAttachment> list)
    {
        if (entity.IsMultipart)
        {
            var children = entity.ContentType.MediaSubtype == "signed" && entity.Children.Count > 1 ? entity.Children.Take(1) : entity.Children;
            foreach (var child in children) CollectAttachments(child, list);
            return;
        }
        var type = entity.ContentType;
        var isTextOrHtml = type.Is("text", "plain") || type.Is("text", "html");
        if (isTextOrHtml && (Text.Contains(entity) || Html.Contains(entity))) return;
        var fileName = entity.FileName;
        // Unnamed empty leaves (blank parts between boundaries) are nothing to keep.
        if (entity.EncodedSize == 0 && fileName is null && entity.EmbeddedMessage is null) return;
        list.Add(new MimeAttachment(entity, fileName ?? DefaultName(entity)));
    }

    private static string? DefaultName(MimeEntity entity)
    {
        if (entity.ContentType.MediaType != "message" || entity.ContentType.MediaSubtype is not ("rfc822" or "global")) return null;
        var subject = entity.EmbeddedMessage?.Subject;
        if (string.IsNullOrWhiteSpace(subject)) return "message.eml";
        var invalid = Path.GetInvalidFileNameChars();
        var sb = new StringBuilder(subject.Length);
        foreach (var c in subject.Trim())
        {
            sb.Append(Array.IndexOf(invalid, c) >= 0 || c is '\\' or '/' or ':' or '*' or '?' or '"' or '<' or '>' or '|' || char.IsControl(c) ? '_' : c);
            if (sb.Length >= 100) break;
        }
        return sb.ToString().Trim() + ".eml";
    }
}
