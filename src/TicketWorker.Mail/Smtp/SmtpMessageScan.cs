namespace TicketWorker.Mail.Smtp;

/// <summary>
/// What a message needs from the server, found by one streaming pass over a seekable message:
/// its size (RFC 1870 SIZE), whether it has 8-bit bytes (RFC 6152 8BITMIME) and whether its
/// header section does (RFC 6532 UTF-8 headers, which call for SMTPUTF8).
/// </summary>
internal readonly record struct SmtpMessageScan(long Size, bool HasEightBit, bool HasEightBitHeaders)
{
    /// <summary>Scans from the current position to the end and seeks back; null for an unseekable stream.</summary>
    public static async Task<SmtpMessageScan?> ScanAsync(Stream message, CancellationToken cancellationToken)
    {
        if (!message.CanSeek)
        {
            return null;
        }

        var start = message.Position;
        var buffer = new byte[64 * 1024];
        var inHeaders = true;
        var eightBit = false;
        var eightBitHeaders = false;
        // The header section ends at the first empty line: track the last two bytes across chunks.
        int previous = '\n', beforePrevious = '\n';
        var sawFirstByte = false;
        int read;
        while ((read = await message.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var b = buffer[i];
                if (b >= 0x80)
                {
                    eightBit = true;
                    eightBitHeaders |= inHeaders;
                }

                if (inHeaders && b == '\n' && sawFirstByte && (previous == '\n' || (previous == '\r' && beforePrevious == '\n')))
                {
                    inHeaders = false;
                }

                sawFirstByte = true;
                beforePrevious = previous;
                previous = b;
            }

            if (eightBitHeaders || (eightBit && !inHeaders))
            {
                break; // nothing more to learn
            }
        }

        var size = message.Length - start;
        message.Position = start;
        return new SmtpMessageScan(size, eightBit, eightBitHeaders);
    }
}
