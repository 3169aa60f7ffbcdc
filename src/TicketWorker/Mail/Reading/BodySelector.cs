using MimeKit;

namespace TicketWorker.Mail.Reading;

/// <summary>
/// Chooses which leaves of a message are its text and HTML body; every other leaf is an
/// attachment. Does not descend into embedded messages (they are attachments themselves).
/// </summary>
internal sealed class BodySelector
{
    /// <summary>The parts that make the text body, in order (RFC 8621 §4.1.4 textBody).</summary>
    public List<MimeEntity> Text { get; } = [];

    /// <summary>The parts that make the HTML body, in order (RFC 8621 §4.1.4 htmlBody).</summary>
    public List<MimeEntity> Html { get; } = [];

    public static BodySelector Select(MimeEntity root)
    {
        var selector = new BodySelector();
        if (root is Multipart multipart)
            selector.Collect(multipart.ToList(), Subtype(root), Subtype(root) == "alternative", selector.Text, selector.Html, root.ContentType);
        else selector.Collect([root], "mixed", false, selector.Text, selector.Html);
        return selector;
    }

    public bool IsBody(MimeEntity part) => Text.Contains(part) || Html.Contains(part);

    public static string Subtype(MimeEntity entity) => entity.ContentType.MediaSubtype.ToLowerInvariant();

    public static bool Is(MimeEntity entity, string type, string subtype) => entity.ContentType.IsMimeType(type, subtype);

    /// <summary>The file name the sender gave (Content-Disposition filename, else Content-Type name), decoded by MimeKit (RFC 2231, RFC 2047).</summary>
    public static string? FileName(MimeEntity entity)
    {
        var name = entity.ContentDisposition?.FileName ?? entity.ContentType.Name;
        return string.IsNullOrWhiteSpace(name) ? null : name.Trim();
    }

    /// <summary>
    /// RFC 2387 §3.1-3.2: the root of multipart/related is the part named by "start", else the
    /// first; MHTML writers that put resources first still name the root's type in "type".
    /// </summary>
    private static IReadOnlyList<MimeEntity> RootFirst(IReadOnlyList<MimeEntity> parts, ContentType related)
    {
        if (parts.Count < 2) return parts;
        var start = related.Parameters["start"]?.Trim().Trim('<', '>');
        var rootType = related.Parameters["type"]?.Trim().ToLowerInvariant();
        var root = start is not null
            ? parts.FirstOrDefault(p => p.ContentId == start)
            : rootType is not null && !string.Equals(parts[0].ContentType.MimeType, rootType, StringComparison.OrdinalIgnoreCase)
                ? parts.FirstOrDefault(p => string.Equals(p.ContentType.MimeType, rootType, StringComparison.OrdinalIgnoreCase))
                : null;
        if (root is null || ReferenceEquals(root, parts[0])) return parts;
        return [root, .. parts.Where(p => !ReferenceEquals(p, root))];
    }

    private static bool IsInlineMedia(MimeEntity part) => part.ContentType.MediaType.ToLowerInvariant() is "image" or "audio" or "video";

    /// <summary>
    /// RFC 8621 §4.1.4 (JMAP) body selection, which mail clients agree on: inline text, HTML and
    /// media parts form the text and HTML bodies; inside multipart/alternative the plain part goes
    /// to the text body and the HTML part to the HTML body; a named text part that is not first is
    /// a file. Multipart/signed contributes only its first part to the body (RFC 1847 §2.1).
    /// </summary>
    private void Collect(IReadOnlyList<MimeEntity> parts, string multipartType, bool inAlternative, List<MimeEntity>? text, List<MimeEntity>? html,
        ContentType? container = null)
    {
        var textLength = text?.Count ?? -1;
        var htmlLength = html?.Count ?? -1;
        if (multipartType == "signed" && parts.Count > 1) parts = [parts[0]];
        if (multipartType == "related" && container is not null) parts = RootFirst(parts, container);
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            if (part is Multipart inner)
            {
                var subtype = Subtype(inner);
                Collect(inner.ToList(), subtype, inAlternative || subtype == "alternative", text, html, inner.ContentType);
                continue;
            }
            if (part is not MimePart) continue;
            var isPlain = Is(part, "text", "plain");
            var isHtml = Is(part, "text", "html");
            var isBodyType = isPlain || isHtml || IsInlineMedia(part);
            var isInline = !part.IsAttachment && isBodyType &&
                (i == 0 || (multipartType != "related" && (IsInlineMedia(part) || FileName(part) is null)));
            if (!isInline) continue;
            if (multipartType == "alternative")
            {
                if (isPlain) text?.Add(part);
                else if (isHtml) html?.Add(part);
                continue;
            }
            if (inAlternative)
            {
                if (isPlain) html = null;
                if (isHtml) text = null;
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
}
