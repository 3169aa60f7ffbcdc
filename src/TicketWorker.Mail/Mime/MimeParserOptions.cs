namespace TicketWorker.Mail.Mime;

/// <summary>Limits and fallbacks of the MIME parser.</summary>
public sealed class MimeParserOptions
{
    public static MimeParserOptions Default { get; } = new();

    /// <summary>Charset for raw 8-bit headers and undeclared bodies that are not valid UTF-8.</summary>
    public string FallbackCharset { get; init; } = "windows-1252";
    /// <summary>Deeper multipart nesting is treated as opaque content.</summary>
    public int MaxDepth { get; init; } = 32;
    /// <summary>Part bodies larger than this are spooled to a temporary file instead of memory.</summary>
    public int SpoolThreshold { get; init; } = 1024 * 1024;
    /// <summary>Directory for spool files; null uses <see cref="Path.GetTempPath"/>.</summary>
    public string? SpoolDirectory { get; init; }
    /// <summary>A header block longer than this (bytes) makes the parser throw <see cref="MimeParseException"/>.</summary>
    public int MaxHeaderBytes { get; init; } = 1024 * 1024;
}
