using System.Globalization;
using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace TicketWorker.Mail.Writing;

/// <summary>
/// Writes an <see cref="OutgoingMail"/> as a MimeKit message and then as bytes for the outbox row.
/// Every byte is 7-bit: text parts are quoted-printable or base64, attachments base64, header
/// words RFC 2047 and parameters RFC 2231. A row is therefore sent byte for byte on every retry,
/// whatever the server offers: MailKit would re-encode 8bit parts for a server without 8BITMIME.
/// </summary>
public sealed class MailWriter(TimeProvider time)
{
    /// <summary>RFC 5322 §2.1.1: lines should stay within 78 characters; text parts longer than that are encoded.</summary>
    public const int MaxLineLength = 78;

    // Fields the writer sets from their own properties; a custom header of the same name would contradict them.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "Sender", "To", "Cc", "Bcc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
        "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
    };

    private static readonly FormatOptions Format = CreateFormat();

    /// <summary>Writes <paramref name="mail"/>; the Message-ID and Date are fixed here (generated when the mail has none).</summary>
    /// <exception cref="ArgumentException">An address, header or attachment cannot be written as 7-bit mail.</exception>
    public async Task<WrittenMail> WriteAsync(OutgoingMail mail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var date = mail.Date ?? time.GetUtcNow();
        var messageId = string.IsNullOrWhiteSpace(mail.MessageId)
            ? MimeUtils.GenerateMessageId(AsciiDomain(mail.MessageIdDomain ?? DomainOf(mail.From.Address)))
            : MailThread.Unbracket(mail.MessageId);
        var spools = new List<Stream>();
        try
        {
            using var message = Compose(mail, date, messageId, spools);
            // Picks quoted-printable or base64 for every part that is not 7-bit clean (RFC 2045 §6).
            message.Prepare(EncodingConstraint.SevenBit, MaxLineLength);
            // Sized for the usual outcome, so the buffer is not grown (and copied) several times over for a long text.
            using var buffer = new MemoryStream(EstimatedSize(mail));
            await message.WriteToAsync(Format, buffer, cancellationToken).ConfigureAwait(false);
            var raw = buffer.ToArray();
            var eightBit = raw.AsSpan().IndexOfAnyInRange((byte)0x80, (byte)0xFF);
            if (eightBit >= 0)
            {
                throw new ArgumentException($"The mail cannot be written as 7-bit mail (a non-ASCII byte at offset {eightBit}; an address with a non-ASCII local part needs SMTPUTF8).", nameof(mail));
            }

            return new WrittenMail(messageId, date, raw);
        }
        finally
        {
            foreach (var spool in spools)
            {
                await spool.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>A new Message-ID (without angle brackets) in <paramref name="domain"/>, as <see cref="WriteAsync"/> makes one: for a mail queued now and written later.</summary>
    public static string NewMessageId(string domain) => MimeUtils.GenerateMessageId(AsciiDomain(domain));

    /// <summary>The written size of most mails: base64 or quoted-printable text (ASCII or not) and base64 attachments, plus headers.</summary>
    private static int EstimatedSize(OutgoingMail mail)
    {
        long size = 4096 + (long)((mail.Text?.Length ?? 0) + (mail.Html?.Length ?? 0)) * 3 / 2;
        foreach (var attachment in mail.Attachments)
            size += attachment.Content.CanSeek ? attachment.Content.Length * 4 / 3 + 512 : 0;
        return (int)Math.Min(size, 64L * 1024 * 1024);
    }

    private static MimeMessage Compose(OutgoingMail mail, DateTimeOffset date, string messageId, List<Stream> spools)
    {
        var message = new MimeMessage { Date = date, MessageId = messageId, Subject = OneLine(mail.Subject) };
        message.From.Add(Mailbox(mail.From));
        if (mail.Sender is not null)
        {
            message.Sender = Mailbox(mail.Sender);
        }

        message.ReplyTo.AddRange(mail.ReplyTo.Select(Mailbox));
        message.To.AddRange(mail.To.Select(Mailbox));
        message.Cc.AddRange(mail.Cc.Select(Mailbox));
        if (mail.Thread.InReplyTo is { Length: > 0 } parent && IsMessageId(parent))
        {
            message.InReplyTo = parent;
        }

        // An id a broken client wrote (spaces, no domain) would make the whole header unreadable: leave it out.
        message.References.AddRange(mail.Thread.References.Select(MailThread.Unbracket).Where(IsMessageId));
        foreach (var (name, value) in mail.Headers)
        {
            if (Reserved.Contains(name))
            {
                throw new ArgumentException($"Header '{name}' is written from its own property; set that instead.", nameof(mail));
            }

            if (name.Length == 0 || name.Any(c => c is <= ' ' or > '~' or ':'))
            {
                throw new ArgumentException($"'{name}' is not a valid header name.", nameof(mail));
            }

            message.Headers.Add(name, OneLine(value));
        }

        message.Body = Body(mail, spools);
        return message;
    }

    // Structure: mixed(alternative(text, related(html, inline parts)), attachments); a level with a
    // single child is left out. RFC 2046 §5.1.4: alternatives in increasing preference, HTML last.
    private static MimeEntity Body(OutgoingMail mail, List<Stream> spools)
    {
        var inline = mail.Html is null ? [] : mail.Attachments.Where(a => a.IsInline && !string.IsNullOrWhiteSpace(a.ContentId)).ToList();
        var inlineSet = new HashSet<OutgoingAttachment>(inline, ReferenceEqualityComparer.Instance);
        var attached = mail.Attachments.Where(a => !inlineSet.Contains(a)).ToList();

        MimeEntity? html = mail.Html is null ? null : Text("html", mail.Html);
        if (html is not null && inline.Count > 0)
        {
            // RFC 2387: the first part of multipart/related is its root, the HTML that refers to the others.
            var related = new MultipartRelated { html };
            foreach (var attachment in inline)
            {
                related.Add(Attachment(attachment, spools));
            }

            html = related;
        }

        MimeEntity core = (mail.Text, html) switch
        {
            (not null, not null) => new MultipartAlternative { Text("plain", mail.Text), html },
            (null, not null) => html,
            _ => Text("plain", mail.Text ?? ""),
        };
        if (attached.Count == 0)
        {
            return core;
        }

        var mixed = new Multipart("mixed") { core };
        foreach (var attachment in attached)
        {
            mixed.Add(Attachment(attachment, spools));
        }

        return mixed;
    }

    private static TextPart Text(string subtype, string text)
    {
        var part = new TextPart(subtype);
        // RFC 2045 §6.8 and RFC 2046 §4.1.1: text is CRLF-delimited in canonical form, also inside base64.
        part.SetText(Encoding.UTF8, text.ReplaceLineEndings("\r\n"));
        return part;
    }

    private static MimePart Attachment(OutgoingAttachment attachment, List<Stream> spools)
    {
        var type = ContentType.TryParse(attachment.ContentType, out var parsed) ? parsed : new ContentType("application", "octet-stream");
        var part = new MimePart(type)
        {
            Content = new MimeContent(Seekable(attachment.Content, spools)),
            ContentDisposition = new ContentDisposition(attachment.IsInline ? ContentDisposition.Inline : ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = attachment.FileName,
        };
        if (!string.IsNullOrWhiteSpace(attachment.ContentId))
        {
            part.ContentId = MailThread.Unbracket(attachment.ContentId);
        }

        return part;
    }

    // MimeContent needs to seek; a network or pipe stream is spooled to a temporary file rather than memory.
    private static Stream Seekable(Stream content, List<Stream> spools)
    {
        if (content.CanSeek)
        {
            return content;
        }

        var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        spools.Add(spool);
        content.CopyTo(spool);
        spool.Position = 0;
        return spool;
    }

    private static MailboxAddress Mailbox(OutgoingAddress address)
    {
        if (!OutgoingAddress.IsWritable(address.Address))
        {
            throw new ArgumentException($"'{address.Address}' is not an address that can be written.", nameof(address));
        }

        return new MailboxAddress(address.Name is null ? "" : OneLine(address.Name), address.Address.Trim());
    }

    private static bool IsMessageId(string id) =>
        id.Length > 0 && id.Contains('@', StringComparison.Ordinal) && id.All(c => c is > ' ' and <= '~' and not ('<' or '>'));

    private static string DomainOf(string address) =>
        address.LastIndexOf('@') is var at and >= 0 && at < address.Length - 1 ? address[(at + 1)..] : "localhost";

    private static string AsciiDomain(string domain)
    {
        try
        {
            return new IdnMapping().GetAscii(domain);
        }
        catch (ArgumentException)
        {
            return "localhost";
        }
    }

    // A header value cannot carry line breaks: they would start a new field (header injection).
    private static string OneLine(string value) => value.ReplaceLineEndings(" ");

    private static FormatOptions CreateFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.EnsureNewLine = true;
        // RFC 6532 UTF-8 headers would make the row 8-bit; encoded words go everywhere.
        format.International = false;
        format.ParameterEncodingMethod = ParameterEncodingMethod.Rfc2231;
        return format;
    }
}
