using System.Text;
using TicketWorker.Mail.Encodings;

namespace TicketWorker.Mail.Mime;

/// <summary>
/// Builds and writes a message: addresses, subject and custom headers (RFC 2047 where needed,
/// folded at 78 columns), text and HTML as multipart/alternative, attachments as multipart/mixed,
/// UTF-8 and CRLF throughout. Message-ID and Date are generated once and then kept, so writing the
/// same builder twice gives the same message (outbox retries resend the same Message-ID).
/// </summary>
public sealed class MessageBuilder
{
    // Fields the builder writes itself; a custom header of the same name would contradict them.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "Sender", "To", "Cc", "Bcc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
        "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
    };

    /// <summary>The author (required); its domain names generated Message-IDs by default.</summary>
    public MailboxAddress? From { get; set; }
    /// <summary>Written only when set (RFC 5322 §3.6.2: the agent sending on behalf of From).</summary>
    public MailboxAddress? Sender { get; set; }
    /// <summary>Primary recipients.</summary>
    public List<MailboxAddress> To { get; } = [];
    /// <summary>Copy recipients (Bcc is not a header: pass those to SMTP only).</summary>
    public List<MailboxAddress> Cc { get; } = [];
    /// <summary>Where replies should go (e.g. a plus-address carrying a reply token).</summary>
    public List<MailboxAddress> ReplyTo { get; } = [];
    /// <summary>The subject; non-ASCII is written as RFC 2047 encoded words.</summary>
    public string Subject { get; set; } = "";
    /// <summary>The Date header; set from <see cref="TimeProvider"/> on the first write when null.</summary>
    public DateTimeOffset? Date { get; set; }
    /// <summary>The Message-ID without angle brackets; generated on the first write when null.</summary>
    public string? MessageId { get; set; }
    /// <summary>Domain of generated Message-IDs; null uses the domain of <see cref="From"/>.</summary>
    public string? MessageIdDomain { get; set; }
    /// <summary>The id this message answers (brackets optional).</summary>
    public string? InReplyTo { get; set; }
    /// <summary>The thread's ids, oldest first (brackets optional).</summary>
    public List<string> References { get; } = [];
    /// <summary>The plain-text body (any line ends; written with CRLF).</summary>
    public string? TextBody { get; set; }
    /// <summary>The HTML body; with a text body both go into multipart/alternative.</summary>
    public string? HtmlBody { get; set; }
    /// <summary>Attachments; inline ones with a Content-ID go into multipart/related with the HTML.</summary>
    public List<MessageAttachment> Attachments { get; } = [];
    /// <summary>Further header fields in order (e.g. Auto-Submitted); non-ASCII values are RFC 2047-encoded.</summary>
    public OrderedDictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Clock for the generated Date.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Writes the message to <paramref name="stream"/>.</summary>
    public async Task WriteToAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var headers = BuildHeaders();
        await MimeWriter.WriteAsciiAsync(stream, headers, cancellationToken).ConfigureAwait(false);
        await WriteBodyAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The message as bytes.</summary>
    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        // Writing to a MemoryStream completes synchronously unless an attachment stream is truly
        // asynchronous; then this blocks a thread, which callers of the synchronous API accept.
        WriteToAsync(buffer).GetAwaiter().GetResult();
        return buffer.ToArray();
    }

    /// <summary>Threads this message as a reply to <paramref name="parent"/> (In-Reply-To and References).</summary>
    public void ThreadAsReplyTo(MimeMessage parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ThreadAsReplyTo(parent.MessageId, parent.References, parent.InReplyTo);
    }

    /// <summary>
    /// Sets In-Reply-To to the parent's id and References to the parent's References (or its single
    /// In-Reply-To) plus the parent's id (RFC 5322 §3.6.4). Long chains keep the root and the most
    /// recent ids so the header stays a sane size.
    /// </summary>
    public void ThreadAsReplyTo(string? parentMessageId, IEnumerable<string>? parentReferences = null, IEnumerable<string>? parentInReplyTo = null)
    {
        const int maxReferences = 20;
        var chain = parentReferences?.Select(Unbracket).Where(id => id.Length > 0).ToList() ?? [];
        if (chain.Count == 0 && parentInReplyTo?.Select(Unbracket).Where(id => id.Length > 0).ToList() is [var single]) chain.Add(single);
        if (!string.IsNullOrWhiteSpace(parentMessageId))
        {
            InReplyTo = Unbracket(parentMessageId);
            chain.Add(InReplyTo);
        }
        chain = chain.Distinct(StringComparer.Ordinal).ToList();
        if (chain.Count > maxReferences) chain = [chain[0], .. chain.TakeLast(maxReferences - 1)];
        References.Clear();
        References.AddRange(chain);
    }

    /// <summary>Fixes Date and Message-ID (generating what is missing) without writing.</summary>
    public string EnsureMessageId()
    {
        Date ??= TimeProvider.GetUtcNow();
        if (string.IsNullOrWhiteSpace(MessageId))
        {
            var domain = AsciiDomain(MessageIdDomain ?? DomainOf(From?.Address) ?? "localhost");
            // RFC 5322 §3.6.4: unique left part (time + randomness), the sender's domain on the right.
            MessageId = $"{Date.Value.ToUnixTimeMilliseconds():x}.{MimeWriter.RandomToken(20)}@{domain}";
        }
        else
        {
            MessageId = MessageId.Trim().Trim('<', '>');
        }
        return MessageId;
    }

    private string BuildHeaders()
    {
        if (From is null) throw new InvalidOperationException("A message needs a From address.");
        foreach (var name in Headers.Keys)
        {
            if (Reserved.Contains(name)) throw new InvalidOperationException($"Header '{name}' is written from its own property; set that instead.");
            if (name.Length == 0 || name.Any(c => c is <= ' ' or > '~' or ':')) throw new InvalidOperationException($"'{name}' is not a valid header name.");
        }
        EnsureMessageId();

        var sb = new StringBuilder();
        sb.Append(MimeWriter.FoldHeader("Date", DateParser.Format(Date!.Value)));
        sb.Append(MimeWriter.FoldHeader("From", AddressParser.Format(From)));
        if (Sender is not null) sb.Append(MimeWriter.FoldHeader("Sender", AddressParser.Format(Sender)));
        AppendAddresses(sb, "Reply-To", ReplyTo);
        AppendAddresses(sb, "To", To);
        AppendAddresses(sb, "Cc", Cc);
        sb.Append(MimeWriter.FoldHeader("Subject", Rfc2047.EncodeText(OneLine(Subject))));
        sb.Append(MimeWriter.FoldHeader("Message-ID", $"<{MessageId}>"));
        if (!string.IsNullOrWhiteSpace(InReplyTo)) sb.Append(MimeWriter.FoldHeader("In-Reply-To", Bracket(InReplyTo)));
        var references = References.Where(r => !string.IsNullOrWhiteSpace(r)).Select(Bracket).Distinct().ToList();
        if (references.Count > 0) sb.Append(MimeWriter.FoldHeader("References", string.Join(" ", references)));
        foreach (var (name, value) in Headers) sb.Append(MimeWriter.FoldHeader(name, Rfc2047.EncodeText(OneLine(value))));
        sb.Append("MIME-Version: 1.0\r\n");
        return sb.ToString();
    }

    // Structure: mixed(related(alternative(text, html), inline parts), attachments); levels with
    // a single child are left out.
    private async Task WriteBodyAsync(Stream stream, CancellationToken cancellationToken)
    {
        var attachments = Attachments.Where(a => !IsRelated(a)).ToList();
        var related = Attachments.Where(IsRelated).ToList();

        if (attachments.Count == 0)
        {
            await WriteRelatedAsync(stream, related, cancellationToken).ConfigureAwait(false);
            return;
        }
        var boundary = MimeWriter.NewBoundary();
        await WriteMultipartHeaderAsync(stream, "mixed", boundary, cancellationToken).ConfigureAwait(false);
        await WriteDelimiterAsync(stream, boundary, cancellationToken).ConfigureAwait(false);
        await WriteRelatedAsync(stream, related, cancellationToken).ConfigureAwait(false);
        foreach (var attachment in attachments)
        {
            await WriteDelimiterAsync(stream, boundary, cancellationToken).ConfigureAwait(false);
            await MimeWriter.WriteAttachmentAsync(stream, attachment, cancellationToken).ConfigureAwait(false);
        }
        await MimeWriter.WriteAsciiAsync(stream, $"--{boundary}--\r\n", cancellationToken).ConfigureAwait(false);
    }

    private bool IsRelated(MessageAttachment a) => a.IsInline && a.ContentId is not null && HtmlBody is not null;

    private async Task WriteRelatedAsync(Stream stream, List<MessageAttachment> related, CancellationToken cancellationToken)
    {
        if (related.Count == 0)
        {
            await WriteAlternativeAsync(stream, cancellationToken).ConfigureAwait(false);
            return;
        }
        var boundary = MimeWriter.NewBoundary();
        await WriteMultipartHeaderAsync(stream, "related", boundary, cancellationToken).ConfigureAwait(false);
        await WriteDelimiterAsync(stream, boundary, cancellationToken).ConfigureAwait(false);
        await WriteAlternativeAsync(stream, cancellationToken).ConfigureAwait(false);
        foreach (var attachment in related)
        {
            await WriteDelimiterAsync(stream, boundary, cancellationToken).ConfigureAwait(false);
            await MimeWriter.WriteAttachmentAsync(stream, attachment, cancellationToken).ConfigureAwait(false);
        }
        await MimeWriter.WriteAsciiAsync(stream, $"--{boundary}--\r\n", cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteAlternativeAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (HtmlBody is null || TextBody is null)
        {
            var (subtype, text) = HtmlBody is null ? ("plain", TextBody ?? "") : ("html", HtmlBody);
            await MimeWriter.WriteTextPartAsync(stream, subtype, text, cancellationToken).ConfigureAwait(false);
            return;
        }
        // RFC 2046 §5.1.4: alternatives in increasing preference, so HTML last.
        var boundary = MimeWriter.NewBoundary();
        await WriteMultipartHeaderAsync(stream, "alternative", boundary, cancellationToken).ConfigureAwait(false);
        await WriteDelimiterAsync(stream, boundary, cancellationToken).ConfigureAwait(false);
        await MimeWriter.WriteTextPartAsync(stream, "plain", TextBody, cancellationToken).ConfigureAwait(false);
        await WriteDelimiterAsync(stream, boundary, cancellationToken).ConfigureAwait(false);
        await MimeWriter.WriteTextPartAsync(stream, "html", HtmlBody, cancellationToken).ConfigureAwait(false);
        await MimeWriter.WriteAsciiAsync(stream, $"--{boundary}--\r\n", cancellationToken).ConfigureAwait(false);
    }

    private static Task WriteMultipartHeaderAsync(Stream stream, string subtype, string boundary, CancellationToken cancellationToken) =>
        MimeWriter.WriteAsciiAsync(stream, MimeWriter.FoldHeader("Content-Type", $"multipart/{subtype}; boundary=\"{boundary}\"") + "\r\n", cancellationToken);

    // The CRLF before "--boundary" belongs to the delimiter (RFC 2046 §5.1.1); every part ends
    // with its own CRLF, so a bare delimiter line suffices.
    private static Task WriteDelimiterAsync(Stream stream, string boundary, CancellationToken cancellationToken) =>
        MimeWriter.WriteAsciiAsync(stream, $"--{boundary}\r\n", cancellationToken);

    private static void AppendAddresses(StringBuilder sb, string name, List<MailboxAddress> list)
    {
        if (list.Count > 0) sb.Append(MimeWriter.FoldHeader(name, AddressParser.FormatList(list)));
    }

    private static string Bracket(string id) => "<" + Unbracket(id) + ">";

    private static string Unbracket(string id) => id.Trim().Trim('<', '>').Trim();

    private static string? DomainOf(string? address) =>
        address?.LastIndexOf('@') is int at and >= 0 && at < address.Length - 1 ? address[(at + 1)..] : null;

    private static string AsciiDomain(string domain)
    {
        try
        {
            return new System.Globalization.IdnMapping().GetAscii(domain);
        }
        catch (ArgumentException)
        {
            return "localhost";
        }
    }

    // A header value cannot carry line breaks; they would start a new field (header injection).
    private static string OneLine(string value) =>
        value.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\r', ' ').Replace('\n', ' ');
}
