namespace TicketWorker.Mail.Mime;

/// <summary>An attachment or inline resource of a message.</summary>
public sealed class MimeAttachment(MimeEntity part, string? fileName)
{
    /// <summary>The MIME part holding the attachment.</summary>
    public MimeEntity Part { get; } = part;
    /// <summary>Decoded file name (RFC 2231 / RFC 2047), "subject.eml" for embedded messages, or null when the sender gave none.</summary>
    public string? FileName { get; } = fileName;
    public ContentType ContentType => Part.ContentType;
    /// <summary>Decoded size in bytes (decodes the content once when first asked).</summary>
    public long Size => Part.DecodedSize;
    public string? ContentId => Part.ContentId;
    /// <summary>True for inline resources: Content-Disposition inline, or no disposition but a Content-ID (RFC 2387 related parts).</summary>
    public bool IsInline => Part.ContentDisposition is { } d ? d.Disposition == "inline" : Part.ContentId is not null;
    /// <summary>The embedded message when the attachment is a message/rfc822 part.</summary>
    public MimeMessage? Message => Part.EmbeddedMessage;
    /// <summary>The decoded content; a new stream per call.</summary>
    public Stream OpenRead() => Part.OpenContent();
    public override string ToString() => $"{FileName ?? "(unnamed)"} {ContentType} {Size} bytes";
}
