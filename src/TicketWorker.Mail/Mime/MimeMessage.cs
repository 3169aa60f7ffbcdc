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

    /// <summary>An empty message (for building by hand); parsed messages come from <see cref="ParseAsync"/>.</summary>
    public MimeMessage()
    {
    }

    internal MimeMessage(MimeEntity body, long rawSize)
    {
        Body = body;
        RawSize = rawSize;
    }

    /// <summary>The message header fields in order.</summary>
    public HeaderList Headers => Body.Headers;
    /// <summary>The top-level entity (its headers are the message headers).</summary>
    public MimeEntity Body { get; init; } = new();
    /// <summary>From mailboxes (every From field; groups flattened).</summary>
    public IReadOnlyList<MailboxAddress> From { get => _from ??= Addresses("From"); init => _from = value; }
    /// <summary>To mailboxes.</summary>
    public IReadOnlyList<MailboxAddress> To { get => _to ??= Addresses("To"); init => _to = value; }
    /// <summary>Cc mailboxes.</summary>
    public IReadOnlyList<MailboxAddress> Cc { get => _cc ??= Addresses("Cc"); init => _cc = value; }
    /// <summary>Reply-To mailboxes.</summary>
    public IReadOnlyList<MailboxAddress> ReplyTo { get => _replyTo ??= Addresses("Reply-To"); init => _replyTo = value; }

    /// <summary>The Sender mailbox, or null.</summary>
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

    /// <summary>The Date field, or null when missing or not understood.</summary>
    public DateTimeOffset? Date
    {
        get
        {
            if (!_dateSet) (_date, _dateSet) = (DateParser.Parse(Headers["Date"]), true);
            return _date;
        }
        init => (_date, _dateSet) = (value, true);
    }

    /// <summary>The Message-ID without angle brackets, or null.</summary>
    public string? MessageId
    {
        get
        {
            if (!_messageIdSet) (_messageId, _messageIdSet) = (MessageIdParser.ParseOne(Headers["Message-ID"]), true);
            return _messageId;
        }
        init => (_messageId, _messageIdSet) = (value, true);
    }

    /// <summary>In-Reply-To ids without angle brackets.</summary>
    public IReadOnlyList<string> InReplyTo { get => _inReplyTo ??= MessageIdParser.ParseList(Headers["In-Reply-To"]); init => _inReplyTo = value; }
    /// <summary>References ids without angle brackets, oldest first.</summary>
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

    /// <summary>
    /// The machine-readable status part of a delivery status notification (RFC 3464
    /// message/delivery-status, or RFC 6533 message/global-delivery-status), or null. Only the
    /// message's own tree is searched, not forwarded messages inside it.
    /// </summary>
    public MimeEntity? DeliveryStatus => MainParts().FirstOrDefault(p =>
        p.ContentType.Is("message", "delivery-status") || p.ContentType.Is("message", "global-delivery-status"));

    /// <summary>
    /// What a report (RFC 6522 multipart/report: DSN, MDN, ARF) returns of the original message:
    /// its message/rfc822 (or message/global) part, else its text/rfc822-headers part; null when
    /// the message is not a report or returned nothing.
    /// </summary>
    public MimeEntity? ReturnedContent
    {
        get
        {
            var report = MainParts().FirstOrDefault(p => p.ContentType.Is("multipart", "report"));
            if (report is null) return null;
            return report.Children.FirstOrDefault(c => c.ContentType.Is("message", "rfc822") || c.ContentType.Is("message", "global"))
                ?? report.Children.FirstOrDefault(c => c.ContentType.Is("text", "rfc822-headers") || c.ContentType.Is("message", "global-headers"));
        }
    }

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

    /// <summary>The entities of this message's own tree, not entering embedded messages.</summary>
    private IEnumerable<MimeEntity> MainParts()
    {
        var stack = new Stack<MimeEntity>();
        stack.Push(Body);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            yield return e;
            for (var i = e.Children.Count - 1; i >= 0; i--) stack.Push(e.Children[i]);
        }
    }

    private IReadOnlyList<MailboxAddress> Addresses(string name)
    {
        var all = Headers.GetAll(name).ToList();
        if (all.Count == 0) return [];
        if (all.Count == 1) return AddressParser.ParseList(all[0].RawValue);
        return all.SelectMany(h => AddressParser.ParseList(h.RawValue)).ToList();
    }
}
