namespace TicketWorker.Mail.Mime;

/// <summary>A parsed message. Dispose it to delete spooled temporary files of large parts.</summary>
/// <remarks>STUB: owned by the MIME structure work; names are the contract.</remarks>
public sealed class MimeMessage : IDisposable
{
    public HeaderList Headers => Body.Headers;
    /// <summary>The top-level entity (its headers are the message headers).</summary>
    public MimeEntity Body { get; init; } = new();
    public IReadOnlyList<MailboxAddress> From { get; init; } = [];
    public IReadOnlyList<MailboxAddress> To { get; init; } = [];
    public IReadOnlyList<MailboxAddress> Cc { get; init; } = [];
    public IReadOnlyList<MailboxAddress> ReplyTo { get; init; } = [];
    public MailboxAddress? Sender { get; init; }
    /// <summary>Decoded subject; empty when missing.</summary>
    public string Subject { get; init; } = "";
    public DateTimeOffset? Date { get; init; }
    public string? MessageId { get; init; }
    public IReadOnlyList<string> InReplyTo { get; init; } = [];
    public IReadOnlyList<string> References { get; init; } = [];
    /// <summary>The best text body: text/plain preferred, else text converted from HTML; null when none.</summary>
    public string? TextBody { get; init; }
    /// <summary>The HTML body if any.</summary>
    public string? HtmlBody { get; init; }
    public IReadOnlyList<MimeAttachment> Attachments { get; init; } = [];
    /// <summary>Size of the raw message in bytes as read.</summary>
    public long RawSize { get; init; }

    /// <summary>Every entity of the tree, depth first, including those inside embedded messages.</summary>
    public IEnumerable<MimeEntity> AllParts()
    {
        var stack = new Stack<MimeEntity>();
        stack.Push(Body);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            yield return e;
            for (var i = e.Children.Count - 1; i >= 0; i--) stack.Push(e.Children[i]);
            if (e.EmbeddedMessage is { } m) stack.Push(m.Body);
        }
    }

    /// <summary>Parses a message from a stream (CRLF or LF line ends).</summary>
    public static Task<MimeMessage> ParseAsync(Stream stream, MimeParserOptions? options = null, CancellationToken cancellationToken = default)
        => Task.FromResult(new MimeMessage());

    public void Dispose() { }
}
