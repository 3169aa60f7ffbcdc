namespace TicketWorker.Mail.Reading;

/// <summary>Limits and fallbacks of <see cref="MessageReader"/>.</summary>
public sealed record MessageReaderOptions
{
    public static MessageReaderOptions Default { get; } = new();

    /// <summary>Charset for 8-bit header bytes and undeclared bodies that are not valid UTF-8 (when the message declares none for its text).</summary>
    public string FallbackCharset { get; init; } = "windows-1252";

    /// <summary>Deeper MIME nesting is read as opaque content (MimeKit's MaxMimeDepth).</summary>
    public int MaxDepth { get; init; } = 32;

    /// <summary>Embedded messages (message/rfc822 inside message/rfc822 …) are read this deep; deeper ones stay plain attachments.</summary>
    public int MaxEmbeddedDepth { get; init; } = 4;

    /// <summary>
    /// At most this many decoded bytes of one text or HTML body are kept (a longer body is cut):
    /// the stages need the words, and a 50 MB text part must not become 100 MB of string.
    /// </summary>
    public int MaxBodyBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>How far into the top header block the reader looks to repair it (junk before the fields, lost indentation).</summary>
    public int MaxHeaderBytes { get; init; } = 256 * 1024;

    /// <summary>
    /// winmail.dat (TNEF) parts and transfer-encoded embedded messages are decoded in memory to be
    /// read; up to this encoded size. Larger ones stay one opaque attachment.
    /// </summary>
    public long MaxExpandBytes { get; init; } = 16L * 1024 * 1024;
}
