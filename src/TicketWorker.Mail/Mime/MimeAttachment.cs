namespace TicketWorker.Mail.Mime;

/// <summary>An attachment or inline resource of a message.</summary>
/// <remarks>STUB: owned by the MIME structure work; names are the contract.</remarks>
public sealed class MimeAttachment(MimeEntity part, string? fileName)
{
    public MimeEntity Part { get; } = part;
    /// <summary>Decoded file name (RFC 2231 / RFC 2047), or null when the sender gave none.</summary>
    public string? FileName { get; } = fileName;
    public ContentType ContentType => Part.ContentType;
    public long Size => Part.DecodedSize;
    public string? ContentId => Part.ContentId;
    public bool IsInline => Part.ContentDisposition?.IsAttachment != true && Part.ContentId is not null;
    public Stream OpenRead() => Part.OpenContent();
}
