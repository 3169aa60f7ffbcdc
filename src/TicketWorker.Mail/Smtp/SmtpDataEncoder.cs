namespace TicketWorker.Mail.Smtp;

/// <summary>
/// Turns message bytes into the DATA stream, chunk by chunk (never the whole message in memory):
/// every line ends in CRLF (a bare CR or LF becomes CRLF, RFC 5321 §2.3.8), a line starting with
/// "." gets a second one (dot-stuffing, §4.5.2), and <see cref="Complete"/> appends the final
/// "CRLF.CRLF" (§4.1.1.4).
/// </summary>
internal sealed class SmtpDataEncoder
{
    private bool _atLineStart = true;
    private bool _afterCr;

    /// <summary>The most bytes <see cref="Encode"/> writes for <paramref name="inputLength"/> input bytes.</summary>
    public static int MaxOutputLength(int inputLength) => inputLength * 2;

    /// <summary>Encodes one chunk into <paramref name="output"/> and returns the bytes written.</summary>
    public int Encode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var written = 0;
        foreach (var b in input)
        {
            if (_afterCr)
            {
                _afterCr = false;
                if (b == '\n')
                {
                    continue; // the CRLF was written at the CR
                }
            }

            if (b == '\r' || b == '\n')
            {
                output[written++] = (byte)'\r';
                output[written++] = (byte)'\n';
                _atLineStart = true;
                _afterCr = b == '\r';
                continue;
            }

            if (_atLineStart && b == '.')
            {
                output[written++] = (byte)'.';
            }

            output[written++] = b;
            _atLineStart = false;
        }

        return written;
    }

    /// <summary>Writes the end of data: a CRLF if the message did not end with one, then ".CRLF".</summary>
    public int Complete(Span<byte> output)
    {
        var written = 0;
        if (!_atLineStart)
        {
            output[written++] = (byte)'\r';
            output[written++] = (byte)'\n';
        }

        output[written++] = (byte)'.';
        output[written++] = (byte)'\r';
        output[written++] = (byte)'\n';
        _atLineStart = true;
        _afterCr = false;
        return written;
    }
}
