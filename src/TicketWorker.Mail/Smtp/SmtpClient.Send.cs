using TicketWorker.Mail.Protocol;

namespace TicketWorker.Mail.Smtp;

public sealed partial class SmtpClient
{
    private const int DataChunkSize = 64 * 1024;

    /// <summary>
    /// Sends one message (RFC 5321 §3.3: MAIL, RCPT per recipient, DATA) read from
    /// <paramref name="message"/> as it goes, never whole in memory. Refused recipients are reported
    /// in the result while the others still get the message; if every recipient is refused,
    /// <see cref="SmtpRecipientsRejectedException"/> is thrown. A seekable stream is scanned first
    /// for its size and 8-bit content (SIZE, 8BITMIME, SMTPUTF8); the connection can send further
    /// messages afterwards.
    /// </summary>
    public async Task<SmtpSendResult> SendAsync(SmtpEnvelope envelope, Stream message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(message);
        using var _ = Enter();
        var connection = RequireConnection();

        var mailCommand = await BuildMailCommandAsync(envelope, message, cancellationToken).ConfigureAwait(false);
        // A previous transaction (finished or failed) is cleared with RSET before the next one
        // (RFC 5321 §4.1.1.5), so a batch over one connection always starts from a clean state.
        var reset = _transactions++ > 0;
        SmtpReply mailReply;
        var recipientReplies = new List<SmtpReply>(envelope.Recipients.Count);
        SmtpReply? dataReply = null;

        if (Capabilities.HasFlag(SmtpCapabilities.Pipelining))
        {
            // RFC 2920 §3.1: RSET, MAIL, RCPT… and DATA may go in one group; the replies come back
            // in order and each one is checked.
            if (reset)
            {
                connection.Queue("RSET");
            }

            connection.Queue(mailCommand);
            foreach (var recipient in envelope.Recipients)
            {
                connection.Queue($"RCPT TO:<{recipient}>");
            }

            connection.Queue("DATA");
            await connection.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (reset)
            {
                ThrowIfClosing("RSET", await ReadReplyAsync(cancellationToken).ConfigureAwait(false));
            }

            mailReply = ThrowIfClosing("MAIL", await ReadReplyAsync(cancellationToken).ConfigureAwait(false));
            for (var i = 0; i < envelope.Recipients.Count; i++)
            {
                recipientReplies.Add(ThrowIfClosing("RCPT", await ReadReplyAsync(cancellationToken).ConfigureAwait(false)));
            }

            dataReply = ThrowIfClosing("DATA", await ReadReplyAsync(cancellationToken).ConfigureAwait(false));
        }
        else
        {
            if (reset)
            {
                var resetReply = await CommandAsync("RSET", cancellationToken).ConfigureAwait(false);
                if (!resetReply.IsSuccess)
                {
                    throw Refused("RSET", resetReply);
                }
            }

            mailReply = ThrowIfClosing("MAIL", await CommandAsync(mailCommand, cancellationToken).ConfigureAwait(false));
            if (mailReply.IsSuccess)
            {
                foreach (var recipient in envelope.Recipients)
                {
                    recipientReplies.Add(ThrowIfClosing("RCPT", await CommandAsync($"RCPT TO:<{recipient}>", cancellationToken).ConfigureAwait(false)));
                }

                if (recipientReplies.Any(r => r.IsSuccess))
                {
                    dataReply = ThrowIfClosing("DATA", await CommandAsync("DATA", cancellationToken).ConfigureAwait(false));
                }
            }
        }

        if (dataReply is { Code: 354 } && (!mailReply.IsSuccess || !recipientReplies.Any(r => r.IsSuccess)))
        {
            // RFC 2920 §3.1: a server may accept DATA though nothing before it succeeded; end the
            // (empty) data so that the session stays in step, and let the server refuse it.
            connection.Queue(".");
            await connection.FlushAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfClosing("DATA", await ReadReplyAsync(cancellationToken).ConfigureAwait(false));
        }

        if (!mailReply.IsSuccess)
        {
            throw Refused("MAIL", mailReply);
        }

        var recipients = envelope.Recipients.Select((address, i) => new SmtpRecipientResult(address, recipientReplies[i])).ToList();
        if (!recipients.Any(r => r.IsAccepted))
        {
            throw new SmtpRecipientsRejectedException(recipients);
        }

        if (dataReply is not { Code: 354 })
        {
            throw Refused("DATA", dataReply!);
        }

        await WriteDataAsync(connection, message, cancellationToken).ConfigureAwait(false);
        var final = ThrowIfClosing("DATA", await ReadReplyAsync(cancellationToken).ConfigureAwait(false));
        if (!final.IsSuccess)
        {
            throw Refused("DATA", final);
        }

        return new SmtpSendResult(recipients, final);
    }

    private async Task<string> BuildMailCommandAsync(SmtpEnvelope envelope, Stream message, CancellationToken cancellationToken)
    {
        var scan = await SmtpMessageScan.ScanAsync(message, cancellationToken).ConfigureAwait(false);
        var command = $"MAIL FROM:<{envelope.From}>";

        // RFC 1870 §6: announce the size and refuse locally what the server would refuse anyway.
        if (scan is { } known && Capabilities.HasFlag(SmtpCapabilities.Size))
        {
            if (MaxMessageSize > 0 && known.Size > MaxMessageSize)
            {
                throw new MailCommandException(
                    "MAIL",
                    $"The message ({known.Size} bytes) is larger than the server's limit of {MaxMessageSize} bytes; it was not sent.",
                    isTransient: false,
                    enhancedStatusCode: "5.3.4");
            }

            command += $" SIZE={known.Size}";
        }

        // RFC 6152 §3: declare 8-bit content. A stream we cannot scan may have some, so it is
        // declared whenever the server allows it.
        var eightBit = scan?.HasEightBit ?? true;
        if (eightBit && Capabilities.HasFlag(SmtpCapabilities.EightBitMime))
        {
            command += " BODY=8BITMIME";
        }
        else if (scan is { HasEightBit: true })
        {
            throw new MailCommandException(
                "MAIL",
                "The message has 8-bit content but the server does not offer 8BITMIME; encode it as quoted-printable or base64.",
                isTransient: false,
                enhancedStatusCode: "5.6.3");
        }

        // RFC 6531 §3.4: SMTPUTF8 for non-ASCII addresses (required) and, when asked for, for UTF-8
        // header fields (RFC 6532). Not by default for headers: a server that relays onward to a
        // hop without SMTPUTF8 (Postfix → Dovecot 2.3 LMTP, measured) bounces such a message,
        // while the same message declared only as 8BITMIME is delivered.
        var utf8 = Capabilities.HasFlag(SmtpCapabilities.SmtpUtf8);
        if (envelope.NeedsSmtpUtf8 && !utf8)
        {
            throw new MailCommandException(
                "MAIL",
                "An envelope address is not ASCII and the server does not offer SMTPUTF8.",
                isTransient: false,
                enhancedStatusCode: "5.6.7");
        }

        if (utf8 && (envelope.NeedsSmtpUtf8 || (RequestSmtpUtf8ForUtf8Headers && scan is { HasEightBitHeaders: true })))
        {
            command += " SMTPUTF8";
        }

        return command;
    }

    private async Task WriteDataAsync(SmtpConnection connection, Stream message, CancellationToken cancellationToken)
    {
        ProtocolLog?.Invoke(ProtocolDirection.Client, "<message data>");
        var encoder = new SmtpDataEncoder();
        var input = new byte[DataChunkSize];
        var output = new byte[SmtpDataEncoder.MaxOutputLength(DataChunkSize) + 8];
        while (true)
        {
            int read;
            try
            {
                read = await message.ReadAsync(input, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // The server waits for the rest of the data: the session cannot be saved.
                connection.Break();
                throw;
            }

            if (read == 0)
            {
                break;
            }

            var length = encoder.Encode(input.AsSpan(0, read), output);
            await connection.WriteDataAsync(output.AsMemory(0, length), flush: false, cancellationToken).ConfigureAwait(false);
        }

        var tail = encoder.Complete(output);
        await connection.WriteDataAsync(output.AsMemory(0, tail), flush: true, cancellationToken).ConfigureAwait(false);
    }

    private static SmtpReply ThrowIfClosing(string command, SmtpReply reply) =>
        reply.Code == 421 ? throw Refused(command, reply) : reply;
}
