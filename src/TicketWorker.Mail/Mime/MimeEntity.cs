namespace TicketWorker.Mail.Mime;

/// <summary>One node of the MIME tree: a leaf part, a multipart or an embedded message.</summary>
/// <remarks>STUB: owned by the MIME structure work; names are the contract.</remarks>
public class MimeEntity
{
    public HeaderList Headers { get; } = new();
    public ContentType ContentType { get; init; } = new("text", "plain");
    public ContentDisposition? ContentDisposition { get; init; }
    /// <summary>Lower-case Content-Transfer-Encoding, or null.</summary>
    public string? TransferEncoding { get; init; }
    /// <summary>Content-ID without angle brackets, or null.</summary>
    public string? ContentId { get; init; }
    /// <summary>Sub-parts of a multipart; empty otherwise.</summary>
    public IReadOnlyList<MimeEntity> Children { get; init; } = [];
    /// <summary>The embedded message of a message/rfc822 part, or null.</summary>
    public MimeMessage? EmbeddedMessage { get; init; }
    /// <summary>Size of the decoded content in bytes (0 for multiparts).</summary>
    public long DecodedSize { get; init; }
    public bool IsMultipart => ContentType.MediaType == "multipart";

    /// <summary>The decoded content (transfer encoding removed); a new stream per call.</summary>
    public virtual Stream OpenContent() => Stream.Null;

    /// <summary>The decoded text of a text part in its charset (with fallbacks), or null for non-text parts.</summary>
    public virtual string? GetText() => null;
}
