namespace TicketWorker.Mail.Reading;

/// <summary>
/// A leaf of a message that is not its text or HTML body: a named file, an inline image, a
/// signature, a calendar part, a returned message, a file from inside winmail.dat or a uuencoded
/// block of the text.
/// </summary>
/// <param name="FileName">Decoded file name (RFC 2231 / RFC 2047); "subject.eml" for an embedded message; null when the sender gave none.</param>
/// <param name="ContentType">Media type in lower case, e.g. "application/pdf".</param>
/// <param name="Size">Decoded size in bytes.</param>
/// <param name="ContentId">Content-ID without angle brackets, or null.</param>
/// <param name="IsInline">Content-Disposition inline, or no disposition but a Content-ID (RFC 2387 related parts).</param>
public sealed record ReadAttachment(string? FileName, string ContentType, long Size, string? ContentId, bool IsInline)
{
    /// <summary>The embedded message when this is a message/rfc822 (or message/global) part.</summary>
    public ReadMessage? Message { get; init; }

    public override string ToString() => $"{FileName ?? "(unnamed)"} {ContentType} {Size} bytes";
}
