using MimeKit;
using MimeKit.Tnef;

namespace TicketWorker.Mail.Reading;

/// <summary>
/// Outlook's winmail.dat (application/ms-tnef) hides the real attachments, and sometimes the only
/// body, inside one opaque part; MimeKit's TNEF reader takes them out.
/// </summary>
internal static class TnefExpander
{
    public static bool IsTnef(MimePart part) =>
        part is TnefPart
        || part.ContentType.IsMimeType("application", "ms-tnef") || part.ContentType.IsMimeType("application", "vnd.ms-tnef")
        || string.Equals(BodySelector.FileName(part), "winmail.dat", StringComparison.OrdinalIgnoreCase);

    /// <summary>The files inside and the text/HTML body if it carries one; null when it cannot be read (then it stays one attachment).</summary>
    public static async Task<(List<ReadAttachment> Files, string? Text, string? Html)?> ExpandAsync(MimePart part, System.Text.Encoding fallback, CancellationToken cancellationToken)
    {
        var tnef = part as TnefPart ?? new TnefPart { Content = part.Content };
        List<MimeEntity> entities;
        try
        {
            entities = tnef.ExtractAttachments().ToList();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Corrupt TNEF: MimeKit's reader throws TnefException or an I/O error; the part is kept whole.
            return null;
        }
        var files = new List<ReadAttachment>();
        string? text = null, html = null;
        foreach (var entity in entities)
        {
            if (entity is not MimePart leaf) continue;
            var name = BodySelector.FileName(leaf);
            if (name is null && leaf is TextPart && (leaf.ContentType.IsMimeType("text", "plain") || leaf.ContentType.IsMimeType("text", "html")))
            {
                var bytes = await PartContent.ReadDecodedAsync(leaf, int.MaxValue, cancellationToken).ConfigureAwait(false);
                var value = PartContent.DecodeText(bytes, leaf.ContentType.Charset, fallback);
                if (leaf.ContentType.IsMimeType("text", "html")) html ??= value;
                else text ??= value;
                continue;
            }
            var size = await PartContent.DecodedSizeAsync(leaf, cancellationToken).ConfigureAwait(false);
            files.Add(new ReadAttachment(name, leaf.ContentType.MimeType.ToLowerInvariant(), size, leaf.ContentId, false));
        }
        return files.Count == 0 && text is null && html is null ? null : (files, text, html);
    }
}
