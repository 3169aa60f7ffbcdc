using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace TicketWorker.Outbox;

/// <summary>
/// MailKit's SMTP client as the outbox needs it: the stored bytes of a row go out as they are,
/// envelope sender and recipients come from the row, a refused recipient is recorded instead of
/// aborting the transaction, and where the server offers DSN (RFC 3461) the envelope carries
/// ENVID = the row's key and NOTIFY=FAILURE, so a bounce names exactly the row it reports.
/// </summary>
public sealed class OutboxSmtpClient : SmtpClient
{
    // RFC 3461 §4.4: ENVID is at most 100 characters (of xtext).
    private const int MaxEnvelopeId = 100;

    private readonly List<SmtpRefusal> _refused = [];
    private string? _envelopeId;

    /// <summary>A client without a protocol log.</summary>
    public OutboxSmtpClient()
    {
    }

    /// <summary>A client that logs the conversation (secrets redacted by the logger).</summary>
    public OutboxSmtpClient(IProtocolLogger protocolLogger)
        : base(protocolLogger)
    {
    }

    /// <summary>
    /// Sends <paramref name="raw"/> byte for byte to <paramref name="recipients"/>; refused
    /// recipients are in the result while the others get the message. When every recipient is
    /// refused, MailKit's <see cref="SmtpCommandException"/> is thrown and <see cref="LastRefusals"/>
    /// says why per recipient.
    /// </summary>
    /// <param name="envelopeId">The DSN envelope id (the outbox row's key); a key longer than RFC 3461 allows is replaced by <paramref name="fallbackEnvelopeId"/>.</param>
    /// <exception cref="NotSupportedException">The server lacks what the row needs (SMTPUTF8 for its envelope, 8BITMIME for 8-bit bytes) or its SIZE is too small.</exception>
    /// <param name="dataWritten">Called once the whole message has been handed to the connection (the final dot follows at once): from here on the server may accept it.</param>
    public async Task<SmtpDelivery> SendStoredAsync(byte[] raw, string sender, IReadOnlyList<string> recipients, string envelopeId, string fallbackEnvelopeId, CancellationToken cancellationToken = default, Action? dataWritten = null)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(recipients);
        var from = Envelope(sender);
        var to = recipients.Select(Envelope).ToList();
        var international = !Ascii(sender) || recipients.Any(r => !Ascii(r));
        if (international && !Capabilities.HasFlag(SmtpCapabilities.UTF8))
        {
            throw new NotSupportedException("An envelope address is not ASCII and the server does not offer SMTPUTF8 (RFC 6531).");
        }

        // RFC 6152 §3: 8-bit data only to a server that offers 8BITMIME. MailKit would re-encode the
        // parts instead, and then the row's bytes would no longer be what goes out.
        if (!Capabilities.HasFlag(SmtpCapabilities.EightBitMime) && raw.AsSpan().IndexOfAnyInRange((byte)0x80, (byte)0xff) >= 0)
        {
            throw new NotSupportedException("The stored message has 8-bit content and the server does not offer 8BITMIME (RFC 6152).");
        }

        // RFC 1870 §6: what the server announced it would refuse is not offered to it.
        if (Capabilities.HasFlag(SmtpCapabilities.Size) && MaxSize > 0 && raw.Length > MaxSize)
        {
            throw new NotSupportedException($"The message ({raw.Length} bytes) is larger than the server's limit of {MaxSize} bytes.");
        }

        // A persistent parse keeps every part's content as a window on the stored bytes, so
        // writing the message again reproduces them (headers keep their raw values).
        using var message = await MimeMessage.LoadAsync(new MemoryStream(raw, writable: false), persistent: true, cancellationToken).ConfigureAwait(false);
        _refused.Clear();
        _envelopeId = XtextLength(envelopeId) <= MaxEnvelopeId ? envelopeId : fallbackEnvelopeId;
        var response = await SendAsync(FormatOptions.Default, message, from, to, cancellationToken, dataWritten is null ? null : new EndOfData(dataWritten)).ConfigureAwait(false);
        return new SmtpDelivery(response, [.. _refused]);
    }

    /// <summary>The recipients the server refused in the last transaction (also when it threw because it refused them all).</summary>
    public IReadOnlyList<SmtpRefusal> LastRefusals => _refused;

    /// <inheritdoc/>
    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
    {
        // MailKit aborts the whole transaction by default; the others still get the message.
        _refused.Add(new SmtpRefusal(mailbox.Address, (int)response.StatusCode, response.Response));
    }

    /// <inheritdoc/>
    protected override string? GetEnvelopeId(MimeMessage message) => _envelopeId;

    /// <inheritdoc/>
    protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox) =>
        DeliveryStatusNotification.Failure;

    /// <inheritdoc/>
    protected override void Prepare(FormatOptions options, MimeMessage message, EncodingConstraint constraint, int maxLineLength)
    {
        // Deliberately nothing: MailKit would re-encode parts here (8bit for a server without
        // 8BITMIME), and then a retry would not send the bytes the row holds. MailWriter stores
        // 7-bit mail, which every server takes as it is; 8-bit rows go only where 8BITMIME is offered.
        options.International = false;
    }

    /// <summary>MailKit reports DATA progress with the message's size: the report that reaches it is the end of the data.</summary>
    private sealed class EndOfData(Action reached) : ITransferProgress
    {
        private bool _fired;

        public void Report(long bytesTransferred, long totalSize)
        {
            if (_fired || bytesTransferred < totalSize) return;
            _fired = true;
            reached();
        }

        public void Report(long bytesTransferred)
        {
        }
    }

    private static MailboxAddress Envelope(string address) =>
        MailboxAddress.TryParse(address, out var parsed) && parsed.Address.Contains('@', StringComparison.Ordinal)
            ? parsed
            : throw new ArgumentException($"'{address}' is not a valid envelope address.", nameof(address));

    private static bool Ascii(string value) => Ascii(value.AsSpan());

    private static bool Ascii(ReadOnlySpan<char> value) => value.IndexOfAnyExceptInRange('\0', '\x7f') < 0;

    // RFC 3461 §4: '+', '=' and characters outside '!'..'~' take three characters each as "+XX".
    private static int XtextLength(string value) =>
        Encoding.UTF8.GetBytes(value).Sum(b => b is >= 33 and <= 126 and not ((byte)'+' or (byte)'=') ? 1 : 3);
}
