using System.Text;
using TicketWorker.Mail.Encodings;

namespace TicketWorker.Mail.Mime;

/// <summary>One node of the MIME tree: a leaf part, a multipart or an embedded message.</summary>
public class MimeEntity
{
    private long _decodedSize = -1;

    /// <summary>The entity's header fields in order.</summary>
    public HeaderList Headers { get; init; } = new();
    /// <summary>The parsed Content-Type; text/plain when missing (RFC 2045 §5.2), message/rfc822 in a digest.</summary>
    public ContentType ContentType { get; init; } = new("text", "plain");
    /// <summary>The parsed Content-Disposition (RFC 2183), or null.</summary>
    public ContentDisposition? ContentDisposition { get; init; }
    /// <summary>Lower-case Content-Transfer-Encoding, or null.</summary>
    public string? TransferEncoding { get; init; }
    /// <summary>Content-ID without angle brackets, or null.</summary>
    public string? ContentId { get; init; }
    /// <summary>Sub-parts of a multipart; empty otherwise.</summary>
    public IReadOnlyList<MimeEntity> Children { get; init; } = [];
    /// <summary>The embedded message of a message/rfc822 (or message/global) part, or null.</summary>
    public MimeMessage? EmbeddedMessage { get; init; }
    /// <summary>Text before the first boundary of a multipart (RFC 2046 §5.1.1), or null.</summary>
    public string? Preamble { get; init; }
    /// <summary>Text after the closing boundary of a multipart, or null.</summary>
    public string? Epilogue { get; init; }

    /// <summary>The raw content bytes as they appeared between the headers and the next boundary.</summary>
    internal ContentStore Content { get; init; } = ContentStore.Empty;

    /// <summary>Charset for undeclared text that is not valid UTF-8.</summary>
    internal Encoding? FallbackEncoding { get; init; }

    /// <summary>Size of the content as transmitted (still transfer-encoded) in bytes.</summary>
    public long EncodedSize => Content.Length;

    /// <summary>Size of the decoded content in bytes (0 for multiparts); computed on first use.</summary>
    public long DecodedSize
    {
        get
        {
            if (_decodedSize < 0) _decodedSize = ComputeDecodedSize();
            return _decodedSize;
        }
        init => _decodedSize = value;
    }

    /// <summary>True for multipart/* entities (a multipart without a usable boundary is read as text/plain).</summary>
    public bool IsMultipart => ContentType.MediaType == "multipart";

    /// <summary>True when the sender marked the part Content-Disposition: attachment.</summary>
    public bool IsAttachment => ContentDisposition?.IsAttachment == true;

    /// <summary>The file name from Content-Disposition (RFC 2183) or else Content-Type name, decoded; null when none.</summary>
    public string? FileName
    {
        get
        {
            var name = ContentDisposition?.FileName;
            if (string.IsNullOrWhiteSpace(name)) name = ContentType.Name;
            return string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        }
    }

    /// <summary>True for parts whose content is text to read: text/* and the DSN/MDN/ARF status parts.</summary>
    public bool IsTextual => ContentType.MediaType == "text" || (ContentType.MediaType == "message" && ContentType.MediaSubtype is
        "delivery-status" or "disposition-notification" or "feedback-report" or
        "global-delivery-status" or "global-disposition-notification" or "global-headers");

    /// <summary>The decoded content (transfer encoding removed); a new stream per call.</summary>
    public virtual Stream OpenContent() =>
        Encodings.TransferEncoding.CreateDecodingStream(Content.OpenRead(), TransferEncoding);

    /// <summary>The decoded content as a byte array (convenience for small parts).</summary>
    public byte[] GetContentBytes()
    {
        using var stream = OpenContent();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The decoded text of a text part in its charset (with fallbacks), or null for non-text parts.</summary>
    /// <remarks>
    /// Line endings are kept as they arrived. Without a declared charset the bytes are read as
    /// UTF-8 when valid, else in the parser's fallback charset; message/global-* parts are UTF-8 (RFC 6533).
    /// </remarks>
    public virtual string? GetText()
    {
        if (!IsTextual || IsMultipart) return null;
        var bytes = GetContentBytes();
        var charset = ContentType.Charset;
        if (string.IsNullOrWhiteSpace(charset)) return Charsets.DecodeUndeclared(bytes, FallbackEncoding);
        return Charsets.Decode(bytes, charset, FallbackEncoding);
    }

    /// <summary>The first entity (this one or below, including embedded messages) of the given type.</summary>
    public MimeEntity? FindPart(string mediaType, string mediaSubtype)
    {
        if (ContentType.Is(mediaType, mediaSubtype)) return this;
        foreach (var child in Children)
        {
            if (child.FindPart(mediaType, mediaSubtype) is { } found) return found;
        }
        return EmbeddedMessage?.Body.FindPart(mediaType, mediaSubtype);
    }

    public override string ToString() => ContentType.MimeType + (Children.Count > 0 ? $" ({Children.Count} parts)" : "");

    private long ComputeDecodedSize()
    {
        if (IsMultipart) return 0;
        if (Content.Length == 0) return 0;
        if (TransferEncoding is null or "7bit" or "8bit" or "binary") return Content.Length;
        using var stream = OpenContent();
        var buffer = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = stream.Read(buffer)) > 0) total += n;
        return total;
    }
}
