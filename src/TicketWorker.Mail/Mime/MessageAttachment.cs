namespace TicketWorker.Mail.Mime;

/// <summary>An attachment for <see cref="MessageBuilder"/>: a file name, a media type and the content.</summary>
public sealed class MessageAttachment
{
    private readonly byte[]? _content;
    private readonly Func<Stream>? _open;

    /// <summary>An attachment held in memory.</summary>
    public MessageAttachment(string fileName, byte[] content, string contentType = "application/octet-stream")
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentNullException.ThrowIfNull(content);
        FileName = fileName;
        ContentType = contentType;
        _content = content;
    }

    /// <summary>An attachment read from a stream when the message is written (large files stay on disk).</summary>
    public MessageAttachment(string fileName, Func<Stream> openRead, string contentType = "application/octet-stream")
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentNullException.ThrowIfNull(openRead);
        FileName = fileName;
        ContentType = contentType;
        _open = openRead;
    }

    /// <summary>The file name shown to the recipient (any characters; RFC 2231-encoded when written).</summary>
    public string FileName { get; }
    /// <summary>Media type such as "application/pdf" (parameters allowed).</summary>
    public string ContentType { get; }
    /// <summary>Content-ID (without angle brackets) for inline images referenced as cid: from the HTML.</summary>
    public string? ContentId { get; init; }
    /// <summary>True writes Content-Disposition: inline (with a Content-ID the part joins multipart/related).</summary>
    public bool IsInline { get; init; }

    /// <summary>Opens the content for reading.</summary>
    public Stream OpenRead() => _content is not null ? new MemoryStream(_content, writable: false) : _open!();
}
