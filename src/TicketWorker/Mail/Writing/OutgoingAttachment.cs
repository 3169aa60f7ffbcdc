namespace TicketWorker.Mail.Writing;

/// <summary>
/// A file to attach. <see cref="Content"/> is read when the mail is written (not before) and is
/// left open: the caller owns it. With <see cref="ContentId"/> and <see cref="IsInline"/> it is an
/// inline part of the HTML body (referenced as <c>cid:…</c>, RFC 2392) and goes into
/// multipart/related; otherwise it is an ordinary attachment.
/// </summary>
/// <param name="FileName">The file name shown to the recipient (any script; RFC 2231-encoded when needed).</param>
/// <param name="ContentType">The media type, e.g. <c>application/pdf</c>.</param>
/// <param name="Content">The bytes; a stream that cannot seek is spooled to a temporary file while writing.</param>
public sealed record OutgoingAttachment(string FileName, string ContentType, Stream Content)
{
    /// <summary>The Content-ID without angle brackets, for <c>cid:</c> references from the HTML body.</summary>
    public string? ContentId { get; init; }

    /// <summary>Shown in the body rather than as a separate file (Content-Disposition: inline).</summary>
    public bool IsInline { get; init; }
}
