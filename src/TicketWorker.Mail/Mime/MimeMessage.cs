using TicketWorker.Mail.Encodings;

namespace TicketWorker.Mail.Mime;

/// <summary>A parsed message. Dispose it to delete spooled temporary files of large parts.</summary>
/// <remarks>
/// Header-derived values and bodies are computed on first access and cached; the parser only
/// builds the tree. <see cref="TextBody"/> uses LF line ends.
/// </remarks>
public sealed class MimeMessage : IDisposable
{
    private IReadOnlyList<MailboxAddress>? _from, _to, _cc, _replyTo;
    private MailboxAddress? _sender;
    private bool _senderSet;
    private string? _subject;
    private DateTimeOffset? _date;
    private bool _dateSet;
    private string? _messageId;
    private bool _messageIdSet;
    private IReadOnlyList<string>? _inReplyTo, _references;
    private BodyParts? _bodies;
    private string? _textBody, _htmlBody;
    private bool _textSet, _htmlSet;
    private IReadOnlyList<MimeAttachment>? _attachments;

    public MimeMessage()
    {
    }

    internal MimeMessage(MimeEntity body, long rawSize)
    {
        Body = body;
        RawSize = rawSize;
    }

    public HeaderList Headers => Body.Headers;
    /// <summary>The top-level entity (its headers are the message headers).</summary>
    public MimeEntity Body { get; init; } = new();
    public IReadOnlyList<MailboxAddress> From { get => _from ??= Addresses("From"); init => _from = value; }
    public IReadOnlyList<MailboxAddress> To { get => _to ??= Addresses("To"); init => _to = value; }
    public IReadOnlyList<MailboxAddress> Cc { get => _cc ??= Addresses("Cc"); init => _cc = value; }
    public IReadOnlyList<MailboxAddress> ReplyTo { get => _replyTo ??= Addresses("Reply-To"); init => _replyTo = value; }

    public MailboxAddress? Sender
    {
        get
        {
            if (!_senderSet) (_sender, _senderSet) = (Addresses("Sender") is [var first, ..] ? first : null, true);
            return _sender;
        }
        init => (_sender, _senderSet) = (value, true);
    }

    /// <summary>Decoded subject; empty when missing.</summary>
    public string Subject
    {
        get => _subject ??= Headers.Find("Subject") is { } h ? Rfc2047.DecodeText(h.RawValue).Trim() : "";
        init => _subject = value;
    }

    public DateTimeOffset? Date
    {
        get
        {
            if (!_dateSet) (_date, _dateSet) = (DateParser.Parse(Headers["Date"]), true);
            return _date;
        }
        init => (_date, _dateSet) = (value, true);
    }

    public string? MessageId
    {
        get
        {
            if (!_messageIdSet) (_messageId, _messageIdSet) = (MessageIdParser.ParseOne(Headers["Message-ID"]), true);
            return _messageId;
        }
        init => (_messageId, _messageIdSet) = (value, true);
    }

    public IReadOnlyList<string> InReplyTo { get => _inReplyTo ??= MessageIdParser.ParseList(Headers["In-Reply-To"]); init => _inReplyTo = value; }
    public IReadOnlyList<string> References { get => _references ??= MessageIdParser.ParseList(Headers["References"]); init => _references = value; }

    /// <summary>The best text body: text/plain preferred (format=flowed joined), else text converted from HTML; null when none.</summary>
    public string? TextBody
    {
        get
        {
            if (!_textSet) (_textBody, _textSet) = (Bodies.BuildText(), true);
            return _textBody;
        }
        init => (_textBody, _textSet) = (value, true);
    }

    /// <summary>The HTML body if any.</summary>
    public string? HtmlBody
    {
        get
        {
            if (!_htmlSet) (_htmlBody, _htmlSet) = (Bodies.BuildHtml(), true);
            return _htmlBody;
        }
        init => (_htmlBody, _htmlSet) = (value, true);
    }

    /// <summary>Attachments and inline resources of the main body (embedded messages count as attachments).</summary>
    public IReadOnlyList<MimeAttachment> Attachments { get => _attachments ??= Bodies.BuildAttachments(); init => _attachments = value; }

    /// <summary>Size of the raw message in bytes as read.</summary>
    public long RawSize { get; init; }

    /// <summary>The parts chosen as text and HTML body.</summary>
    internal BodyParts Bodies => _bodies ??= BodyParts.Select(Body);

    /// <summary>Every entity of the tree, depth first, including those inside embedded messages.</summary>
    public IEnumerable<MimeEntity> AllParts()
    {
        var stack = new Stack<MimeEntity>();
        stack.Push(Body);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            yield return e;
            if (e.EmbeddedMessage is { } m) stack.Push(m.Body);
            for (var i = e.Children.Count - 1; i >= 0; i--) stack.Push(e.Children[i]);
        }
    }

    /// <summary>Parses a message from a stream (CRLF or LF line ends).</summary>
    /// <exception cref="MimeParseException">The input is not a message at all or breaks a limit of the options.</exception>
    public static Task<MimeMessage> ParseAsync(Stream stream, MimeParserOptions? options = null, CancellationToken cancellationToken = default)
        => MimeParser.ParseAsync(stream, options, cancellationToken);

    /// <summary>Deletes the spool files of this message's parts (including embedded messages).</summary>
    public void Dispose()
    {
        foreach (var part in AllParts()) part.Content.Dispose();
    }

    public override string ToString() => $"{Subject} ({RawSize} bytes)";

    private IReadOnlyList<MailboxAddress> Addresses(string name)
    {
        var all = Headers.GetAll(name).ToList();
        if (all.Count == 0) return [];
        if (all.Count == 1) return AddressParser.ParseList(all[0].RawValue);
        return all.SelectMany(h => AddressParser.ParseList(h.RawValue)).ToList();
    }
}
