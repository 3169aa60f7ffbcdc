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

    /// <summary>text/plain parts of the body, in order (several for "text, image, text" mail).</summary>
    public List<MimeEntity> Text { get; } = [];

    /// <summary>text/html parts of the body, in order.</summary>
    public List<MimeEntity> Html { get; } = [];

    public static BodyParts Select(MimeEntity root)
    {
        var parts = new BodyParts(root);
        parts.Collect(root, first: true);
        return parts;
    }

    public string? BuildText()
    {
        if (Text.Count > 0)
        {
            var sb = new StringBuilder();
            foreach (var part in Text)
            {
                var text = ReadableText(part);
                if (text.Length == 0) continue;
                if (sb.Length > 0 && sb[^1] != '\n') sb.Append('\n');
                sb.Append(text);
            }
            return sb.ToString();
        }
        if (Html.Count > 0) return HtmlToText.Convert(BuildHtml() ?? "");
        if (_root.IsMultipart && _root.Children.Count == 0 && _root.Preamble is { } preamble)
        {
            // A multipart whose boundary never appears: all of it ended up in the preamble.
            return NormalizeLineEnds(preamble);
        }
        return null;
    }

    public string? BuildHtml()
    {
        if (Html.Count == 0) return null;
        if (Html.Count == 1) return Html[0].GetText();
        return string.Join("\n", Html.Select(h => h.GetText()));
    }

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

    private void Collect(MimeEntity entity, bool first)
    {
        if (!entity.IsMultipart)
        {
            if (!IsBodyCandidate(entity, first)) return;
            if (entity.ContentType.MediaSubtype == "plain") Text.Add(entity);
            else Html.Add(entity);
            return;
        }
        var children = entity.Children;
        if (children.Count == 0) return;
        switch (entity.ContentType.MediaSubtype)
        {
            case "signed":
                // RFC 1847 §2.1: the first part is the content, the second the signature.
                Collect(children[0], first);
                break;
            case "encrypted":
                break;
            case "alternative":
                // RFC 2046 §5.1.4: alternatives of the same content; take one text and one HTML.
                foreach (var child in children)
                {
                    var sub = new BodyParts(child);
                    sub.Collect(child, first: true);
                    if (Text.Count == 0 && sub.Text.Count > 0) Text.AddRange(sub.Text);
                    if (Html.Count == 0 && sub.Html.Count > 0) Html.AddRange(sub.Html);
                }
                break;
            case "related":
                // RFC 2387 §3.1: the root is the "start" part, else the first.
                var start = entity.ContentType.Parameters.TryGetValue("start", out var s) ? s.Trim().Trim('<', '>') : null;
                var root = (start is null ? null : children.FirstOrDefault(c => c.ContentId == start)) ?? children[0];
                Collect(root, first);
                break;
            default:
                for (var i = 0; i < children.Count; i++) Collect(children[i], first && i == 0);
                break;
        }
    }

    private static bool IsBodyCandidate(MimeEntity part, bool first)
    {
        if (part.ContentType.MediaType != "text" || part.ContentType.MediaSubtype is not ("plain" or "html")) return false;
        if (part.IsAttachment) return false;
        // A named text part is a text file, unless it is the first (or only) part of the message.
        return first || part.FileName is null;
    }

    private void CollectAttachments(MimeEntity entity, List<MimeAttachment> list)
    {
        if (entity.IsMultipart)
        {
            if (entity.ContentType.MediaSubtype == "signed")
            {
                if (entity.Children.Count > 0) CollectAttachments(entity.Children[0], list);
                return;
            }
            foreach (var child in entity.Children) CollectAttachments(child, list);
            return;
        }
        if (Text.Contains(entity) || Html.Contains(entity)) return;
        var type = entity.ContentType;
        var isPlainOrHtml = type.MediaType == "text" && type.MediaSubtype is "plain" or "html";
        var fileName = entity.FileName;
        if (isPlainOrHtml && !entity.IsAttachment && fileName is null) return;
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
