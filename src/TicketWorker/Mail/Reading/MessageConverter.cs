using System.Text;
using System.Text.Unicode;
using MimeKit;
using MimeKit.Utils;

namespace TicketWorker.Mail.Reading;

/// <summary>Turns a parsed MimeKit message into a <see cref="ReadMessage"/>: the one place that walks MimeKit's tree.</summary>
internal sealed partial class MessageConverter(MessageReaderOptions options, ParserOptions parserOptions, Encoding headerEncoding, Encoding fallback)
{
    private readonly Encoding _strictHeaderEncoding = StrictEncodings.GetOrAdd(headerEncoding.CodePage,
        static codePage => Encoding.GetEncoding(codePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Encoding> StrictEncodings = new();
    private readonly Dictionary<MimeEntity, string> _texts = new(ReferenceEqualityComparer.Instance);

    /// <summary>The part each top-level attachment came from (by reference), for <see cref="AttachmentContents"/>.</summary>
    public Dictionary<ReadAttachment, MimeEntity> Sources { get; } = new(ReferenceEqualityComparer.Instance);

    public async Task<ReadMessage> ConvertAsync(MimeMessage message, long rawSize, int depth, CancellationToken cancellationToken)
    {
        var body = message.Body;
        if (body is not null) DefaultInvalidContentTypes(body);
        var selector = body is null ? null : BodySelector.Select(body);
        var attachments = new List<ReadAttachment>();
        var tnefBodies = new List<(string? Text, string? Html)>();
        if (body is not null) await CollectAttachmentsAsync(body, selector!, attachments, tnefBodies, depth, cancellationToken).ConfigureAwait(false);

        var html = selector is null ? null : await HtmlAsync(selector, cancellationToken).ConfigureAwait(false);
        var text = selector is null ? null : await TextAsync(selector, body!, html, attachments, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text) && tnefBodies.FirstOrDefault(b => b.Text is not null || b.Html is not null) is { } tnef && (tnef.Text ?? tnef.Html) is not null)
        {
            // The body only Outlook's winmail.dat carries.
            html ??= tnef.Html;
            text = tnef.Text is { } t ? NormalizeLineEnds(t) : HtmlText.Convert(tnef.Html!);
        }

        var report = new ReportScan();
        if (body is not null) await report.ScanAsync(body, this, cancellationToken).ConfigureAwait(false);
        var topType = body?.ContentType;
        return new ReadMessage
        {
            Headers = Headers(message.Headers, body?.Headers),
            Subject = message.Subject?.Trim() ?? "",
            From = Mailboxes(message.From, message.Headers, HeaderId.From, validFirst: true),
            To = Mailboxes(message.To, message.Headers, HeaderId.To),
            Cc = Mailboxes(message.Cc, message.Headers, HeaderId.Cc),
            ReplyTo = Mailboxes(message.ReplyTo, message.Headers, HeaderId.ReplyTo),
            Sender = message.Sender is { } sender && !string.IsNullOrWhiteSpace(sender.Address) ? Address(sender, RawValue(message.Headers, HeaderId.Sender)) : null,
            Date = Date(message.Headers),
            MessageId = string.IsNullOrWhiteSpace(message.MessageId) ? null : message.MessageId.Trim(),
            InReplyTo = Ids(message.Headers, HeaderId.InReplyTo),
            References = message.References.Where(id => !string.IsNullOrWhiteSpace(id)).ToList(),
            TextBody = text,
            HtmlBody = html,
            Attachments = attachments,
            ContentType = topType?.MimeType.ToLowerInvariant() ?? "text/plain",
            ReportType = topType is not null && topType.IsMimeType("multipart", "report") ? topType.Parameters["report-type"]?.Trim().ToLowerInvariant() : null,
            DeliveryStatus = report.DeliveryStatus,
            HasFeedbackReport = report.HasFeedbackReport,
            HasReturnedContent = report.HasReturnedContent,
            ReturnedMessageIds = report.ReturnedIds,
            RawSize = rawSize,
        };
    }

    /// <summary>
    /// RFC 2045 §5.2: a Content-Type that is not "type/subtype" means text/plain (MimeKit reads
    /// it as application/octet-stream, and the text would be lost as an unnamed file).
    /// </summary>
    private static void DefaultInvalidContentTypes(MimeEntity entity)
    {
        if (entity is Multipart multipart)
        {
            foreach (var child in multipart) DefaultInvalidContentTypes(child);
            return;
        }
        if (entity is not MimePart part || part.Headers[HeaderId.ContentType] is not { } value) return;
        var type = value.Split(';')[0];
        if (type.Contains('/')) return;
        part.ContentType.MediaType = "text";
        part.ContentType.MediaSubtype = "plain";
    }

    /// <summary>Decoded text of a leaf (cached: a part can be both text and HTML body), at most <see cref="MessageReaderOptions.MaxBodyBytes"/>.</summary>
    internal async Task<string> PartTextAsync(MimePart part, CancellationToken cancellationToken)
    {
        if (_texts.TryGetValue(part, out var cached)) return cached;
        var text = await PartContent.ReadTextAsync(part, options.MaxBodyBytes, fallback, lineEndsAsLf: false, cancellationToken).ConfigureAwait(false);
        _texts[part] = text;
        return text;
    }

    /// <summary>Decoded text of a text/plain leaf with LF line ends (its text as <see cref="PartTextAsync"/> gives it when that was read already).</summary>
    private async Task<string> PlainTextAsync(MimePart part, CancellationToken cancellationToken) =>
        _texts.TryGetValue(part, out var cached)
            ? NormalizeLineEnds(cached)
            : await PartContent.ReadTextAsync(part, options.MaxBodyBytes, fallback, lineEndsAsLf: true, cancellationToken).ConfigureAwait(false);

    private async Task<string?> HtmlAsync(BodySelector selector, CancellationToken cancellationToken)
    {
        var html = selector.Html.Where(p => BodySelector.Is(p, "text", "html")).OfType<MimePart>().ToList();
        if (html.Count == 0) return null;
        var texts = new List<string>(html.Count);
        foreach (var part in html) texts.Add(await PartTextAsync(part, cancellationToken).ConfigureAwait(false));
        return string.Join("\n", texts);
    }

    /// <summary>The text body: text/plain parts (flowed joined, uuencoded files taken out) and HTML parts as readable text, LF line ends.</summary>
    private async Task<string?> TextAsync(BodySelector selector, MimeEntity root, string? html, List<ReadAttachment> attachments, CancellationToken cancellationToken)
    {
        // Most messages have one text part: it is the body as it is, not copied through a builder (a large one twice on the large-object heap).
        string? first = null;
        StringBuilder? sb = null;
        var any = false;
        foreach (var entity in selector.Text)
        {
            if (entity is not MimePart part) continue;
            string text;
            if (BodySelector.Is(part, "text", "plain")) text = Uuencoded.Extract(ReadableText(part, await PlainTextAsync(part, cancellationToken).ConfigureAwait(false)), attachments);
            else if (BodySelector.Is(part, "text", "html")) text = HtmlText.Convert(await PartTextAsync(part, cancellationToken).ConfigureAwait(false));
            else continue;
            any = true;
            if (string.IsNullOrWhiteSpace(text)) continue;
            if (first is null)
            {
                first = text;
                continue;
            }
            sb ??= new StringBuilder(first);
            if (sb[^1] != '\n') sb.Append('\n');
            sb.Append(text);
        }
        if (first is null && html is not null)
        {
            // An empty text alternative next to real HTML: the HTML is the content.
            var converted = HtmlText.Convert(html);
            if (converted.Length > 0 || !any) return converted;
        }
        if (any) return sb?.ToString() ?? first ?? "";
        // A multipart without parts: what there is sits in the preamble.
        if (root is Multipart { Count: 0, Preamble: { } preamble }) return NormalizeLineEnds(preamble);
        return null;
    }

    /// <summary>Text of a text/plain part with LF line ends, format=flowed joined (RFC 3676).</summary>
    private static string ReadableText(MimePart part, string text)
    {
        text = NormalizeLineEnds(text);
        if (string.Equals(part.ContentType.Format?.Trim(), "flowed", StringComparison.OrdinalIgnoreCase))
        {
            var delSp = string.Equals(part.ContentType.Parameters["delsp"]?.Trim(), "yes", StringComparison.OrdinalIgnoreCase);
            text = FlowedText.Unflow(text, delSp);
        }
        return text;
    }

    /// <summary>CRLF and lone CR as LF, in one pass and one new string (the text of a large part is copied once, not twice).</summary>
    internal static string NormalizeLineEnds(string text)
    {
        var first = text.IndexOf('\r');
        if (first < 0) return text;
        var crlf = text.AsSpan(first).Count("\r\n");
        return string.Create(text.Length - crlf, (text, first), static (output, state) =>
        {
            var (source, start) = state;
            source.AsSpan(0, start).CopyTo(output);
            var written = start;
            var rest = source.AsSpan(start);
            while (rest.Length > 0)
            {
                var cr = rest.IndexOf('\r');
                if (cr < 0)
                {
                    rest.CopyTo(output[written..]);
                    return;
                }
                rest[..cr].CopyTo(output[written..]);
                written += cr;
                output[written++] = '\n';
                rest = rest[(cr + 1)..];
                if (rest.Length > 0 && rest[0] == '\n') rest = rest[1..];
            }
        });
    }

    /// <summary>Every leaf that is not the text or HTML body, in order: signatures of multipart/signed included.</summary>
    private async Task CollectAttachmentsAsync(MimeEntity entity, BodySelector selector, List<ReadAttachment> list, List<(string?, string?)> tnefBodies, int depth, CancellationToken cancellationToken)
    {
        switch (entity)
        {
            case Multipart multipart:
                foreach (var child in multipart)
                    await CollectAttachmentsAsync(child, selector, list, tnefBodies, depth, cancellationToken).ConfigureAwait(false);
                return;
            case MessagePart messagePart:
                var embeddedPart = await EmbeddedAsync(messagePart, depth, cancellationToken).ConfigureAwait(false);
                Sources[embeddedPart] = messagePart;
                list.Add(embeddedPart);
                return;
            case MimePart part:
                if ((BodySelector.Is(part, "text", "plain") || BodySelector.Is(part, "text", "html")) && selector.IsBody(part)) return;
                if (TnefExpander.IsTnef(part) && PartContent.EncodedLength(part) <= options.MaxExpandBytes
                    && await TnefExpander.ExpandAsync(part, fallback, cancellationToken).ConfigureAwait(false) is { } tnef)
                {
                    list.AddRange(tnef.Files);
                    tnefBodies.Add((tnef.Text, tnef.Html));
                    return;
                }
                var name = BodySelector.FileName(part);
                var encodedLength = PartContent.EncodedLength(part);
                // Unnamed empty leaves (blank parts between boundaries) are nothing to keep.
                if (encodedLength == 0 && name is null) return;
                var size = await PartContent.DecodedSizeAsync(part, cancellationToken).ConfigureAwait(false);
                var embedded = IsMessageType(part) ? await EncodedMessageAsync(part, depth, cancellationToken).ConfigureAwait(false) : null;
                var attachment = new ReadAttachment(name ?? (embedded is null ? null : MessageFileName(embedded.Subject)), part.ContentType.MimeType.ToLowerInvariant(), size,
                    part.ContentId, IsInline(part)) { Message = embedded };
                Sources[attachment] = part;
                list.Add(attachment);
                return;
        }
    }

    private async Task<ReadAttachment> EmbeddedAsync(MessagePart part, int depth, CancellationToken cancellationToken)
    {
        var counter = new CountingStream();
        if (part.Message is not null) await part.Message.WriteToAsync(counter, cancellationToken).ConfigureAwait(false);
        ReadMessage? embedded = null;
        if (IsMessageType(part) && part.Message is not null && depth < options.MaxEmbeddedDepth)
            embedded = await new MessageConverter(options, parserOptions, headerEncoding, fallback).ConvertAsync(part.Message, counter.Length, depth + 1, cancellationToken).ConfigureAwait(false);
        var name = BodySelector.FileName(part) ?? (IsMessageType(part) ? MessageFileName(part.Message?.Subject) : null);
        return new ReadAttachment(name, part.ContentType.MimeType.ToLowerInvariant(), counter.Length, part.ContentId, IsInline(part)) { Message = embedded };
    }

    /// <summary>A message/rfc822 part sent base64 or quoted-printable (MimeKit leaves it opaque): decoded and read when small enough.</summary>
    private async Task<ReadMessage?> EncodedMessageAsync(MimePart part, int depth, CancellationToken cancellationToken)
    {
        if (depth >= options.MaxEmbeddedDepth || PartContent.EncodedLength(part) > options.MaxExpandBytes) return null;
        var bytes = await PartContent.ReadDecodedAsync(part, int.MaxValue, cancellationToken).ConfigureAwait(false);
        try
        {
            var inner = await new MimeParser(parserOptions, new MemoryStream(bytes), MimeFormat.Entity).ParseMessageAsync(cancellationToken).ConfigureAwait(false);
            return await new MessageConverter(options, parserOptions, headerEncoding, fallback).ConvertAsync(inner, bytes.Length, depth + 1, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool IsMessageType(MimeEntity entity) =>
        entity.ContentType.IsMimeType("message", "rfc822") || entity.ContentType.IsMimeType("message", "global");

    private static bool IsInline(MimeEntity entity) =>
        entity.ContentDisposition is { } d ? string.Equals(d.Disposition, "inline", StringComparison.OrdinalIgnoreCase) : entity.ContentId is not null;

    /// <summary>"Subject.eml" for a forwarded message without a file name, characters unsafe in file names replaced.</summary>
    private static string MessageFileName(string? subject)
    {
        if (string.IsNullOrWhiteSpace(subject)) return "message.eml";
        var invalid = Path.GetInvalidFileNameChars();
        var sb = new StringBuilder(subject.Length);
        foreach (var c in subject.Trim())
        {
            sb.Append(Array.IndexOf(invalid, c) >= 0 || c is '\\' or '/' or ':' or '*' or '?' or '"' or '<' or '>' or '|' || char.IsControl(c) ? '_' : c);
            if (sb.Length >= 100) break;
        }
        return sb.ToString().Trim() + ".eml";
    }

    /// <summary>The message's header block in its order: MimeKit keeps the Content-* fields on the body entity, so both lists are merged by offset.</summary>
    private ReadHeaderList Headers(HeaderList headers, HeaderList? bodyHeaders)
    {
        IEnumerable<Header> all = headers;
        if (bodyHeaders is { Count: > 0 })
            all = headers.Concat(bodyHeaders.Where(h => !headers.Contains(h))).OrderBy(h => h.Offset ?? long.MaxValue);
        var list = new List<ReadHeader>(headers.Count + (bodyHeaders?.Count ?? 0));
        foreach (var h in all)
        {
            // One scan for ASCII serves both the raw text and the shortcut past MimeKit's decoder.
            var ascii = Ascii.IsValid(h.RawValue);
            var raw = RawText(h.RawValue, ascii);
            list.Add(new ReadHeader(h.Field.Trim(), raw, DecodedValue(h, raw, ascii)));
        }
        return new ReadHeaderList(list);
    }

    /// <summary>
    /// MimeKit's decoded value of a header (RFC 2047 encoded words decoded, unfolded, trimmed). For plain ASCII
    /// without "=?" that is the unfolded raw text itself, which most headers are (Received, DKIM-Signature, …):
    /// MimeKit's decoder is not run for them.
    /// </summary>
    /// <param name="ascii">Whether the header's raw bytes are all ASCII.</param>
    internal static string DecodedValue(Header header, string rawText, bool ascii) =>
        ascii && header.RawValue.AsSpan().IndexOf("=?"u8) < 0 ? rawText : header.Value?.Trim() ?? "";

    /// <summary>
    /// The value unfolded (RFC 5322 §2.2.3); 8-bit bytes as UTF-8 when valid (RFC 6532), else in
    /// the message's charset when they are valid there, else in the fallback charset.
    /// </summary>
    private string RawText(byte[] raw, bool ascii)
    {
        var span = raw.AsSpan();
        var text = ascii ? Encoding.ASCII.GetString(span) : Utf8.IsValid(span) ? Encoding.UTF8.GetString(span) : Legacy(span);
        if (text.Contains('\n') || text.Contains('\r')) text = text.Replace("\r", "").Replace("\n", "");
        return text.Trim();
    }

    private string Legacy(ReadOnlySpan<byte> bytes)
    {
        try
        {
            // A multi-byte charset takes almost any byte pair; landing in its private-use area means the guess was wrong.
            var text = _strictHeaderEncoding.GetString(bytes);
            if (!text.Any(c => c is >= '\uE000' and <= '\uF8FF')) return text;
        }
        catch (DecoderFallbackException)
        {
            // Not in the message's charset.
        }
        return fallback.GetString(bytes);
    }

    /// <summary>Mailboxes, groups flattened (a name without address, "MAILER-DAEMON &lt;&gt;", is kept); with <paramref name="validFirst"/> those with a domain come first.</summary>
    private static IReadOnlyList<ReadAddress> Mailboxes(InternetAddressList list, HeaderList headers, HeaderId id, bool validFirst = false)
    {
        var raw = RawValue(headers, id);
        var all = list.Mailboxes.Select(m => Address(m, raw)).ToList();
        if (all.Count == 0 && headers.IndexOf(id) is >= 0 and var index && Unparsed(headers[index].Value) is { } unparsed)
            return [unparsed];
        if (!validFirst || all.Count < 2 || IsValid(all[0].Address)) return all;
        // A junk first entry ("undisclosed", a bare word) is not the sender when a real address follows.
        return [.. all.Where(a => IsValid(a.Address)), .. all.Where(a => !IsValid(a.Address))];
    }

    /// <summary>
    /// What MimeKit drops but a reader still needs: "MAILER-DAEMON &lt;&gt;" (a bounce's null
    /// sender with a name) or other text without a parsable mailbox, as a name and whatever address it shows.
    /// </summary>
    private static ReadAddress? Unparsed(string? value)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text)) return null;
        var open = text.LastIndexOf('<');
        var close = text.LastIndexOf('>');
        if (open >= 0 && close > open)
        {
            var name = text[..open].Trim().Trim('"').Trim();
            return new ReadAddress(name.Length == 0 ? null : name, text[(open + 1)..close].Trim());
        }
        return text.Contains('@') ? new ReadAddress(null, text) : new ReadAddress(text.Trim('"'), "");
    }

    /// <summary>Every field of that name, raw and unfolded as sent (for telling a quoted name from a comment).</summary>
    private static string RawValue(HeaderList headers, HeaderId id) =>
        string.Join("\n", headers.Where(h => h.Id == id).Select(h => h.Value));

    [System.Text.RegularExpressions.GeneratedRegex(@"\([^()]*\)", System.Text.RegularExpressions.RegexOptions.CultureInvariant, 500)]
    private static partial System.Text.RegularExpressions.Regex Comment();

    private static bool IsValid(string address) => address.IndexOf('@') is > 0 and var at && at < address.Length - 1;

    /// <summary>
    /// The display name without comments (RFC 5322 §3.2.2: a comment is not part of the phrase, but
    /// MimeKit keeps it in the name) unless the name was written as a quoted string, whose
    /// parentheses are its own; whitespace runs as one space. A bare word with no domain and no
    /// name ("Whomever", "MAILER-DAEMON") is no address one can write to: it is kept as the name.
    /// </summary>
    private static ReadAddress Address(MailboxAddress mailbox, string raw)
    {
        var name = mailbox.Name;
        if (name?.Contains('(') == true && !raw.Contains('"' + name + '"', StringComparison.Ordinal)) name = Comment().Replace(name, " ");
        name = string.IsNullOrWhiteSpace(name) ? null : string.Join(' ', name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var address = mailbox.Address?.Trim() ?? "";
        return name is null && !address.Contains('@') ? new ReadAddress(address.Length > 0 ? address : null, "") : new ReadAddress(name, address);
    }


    private static DateTimeOffset? Date(HeaderList headers)
    {
        var index = headers.IndexOf(HeaderId.Date);
        if (index < 0) return null;
        var raw = headers[index].RawValue;
        return DateUtils.TryParse(raw, 0, raw.Length, out var date) ? date : null;
    }

    private static IReadOnlyList<string> Ids(HeaderList headers, HeaderId id)
    {
        var index = headers.IndexOf(id);
        if (index < 0) return [];
        var raw = headers[index].RawValue;
        return MimeUtils.EnumerateReferences(raw, 0, raw.Length).Where(s => !string.IsNullOrWhiteSpace(s)).ToList();
    }
}
