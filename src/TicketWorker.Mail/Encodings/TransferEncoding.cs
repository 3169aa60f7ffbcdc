using System.Buffers;
using System.Text;

namespace TicketWorker.Mail.Encodings;

/// <summary>Content-Transfer-Encoding decoding as streams (lenient, bounded memory) and encoding for the writer.</summary>
public static class TransferEncoding
{
    /// <summary>RFC 2045 §6.8: encoded lines are at most 76 characters.</summary>
    public const int MaxLineLength = 76;

    /// <summary>
    /// Wraps <paramref name="encoded"/> in a stream that decodes the given transfer encoding
    /// (base64, quoted-printable; anything else passes through). Never throws on bad input.
    /// </summary>
    public static Stream CreateDecodingStream(Stream encoded, string? transferEncoding, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        var decoder = CreateDecoder(transferEncoding);
        if (decoder is not null) return new DecodingStream(encoded, decoder, leaveOpen);
        // Identity encodings: the stream itself, unless the caller wants it to survive disposal.
        return leaveOpen ? new DecodingStream(encoded, new IdentityDecoder(), leaveOpen: true) : encoded;
    }

    /// <summary>Decodes a whole buffer (convenience for small parts and tests).</summary>
    public static byte[] Decode(ReadOnlySpan<byte> encoded, string? transferEncoding)
    {
        var decoder = CreateDecoder(transferEncoding);
        if (decoder is null) return encoded.ToArray();
        var output = new byte[decoder.MaxOutput(encoded.Length)];
        var n = decoder.Decode(encoded, output);
        n += decoder.Flush(output.AsSpan(n));
        return output.AsSpan(0, n).ToArray();
    }

    /// <summary>True for the encodings this class decodes (the others are identity encodings).</summary>
    public static bool IsEncoded(string? transferEncoding) => Normalize(transferEncoding) is "base64" or "quoted-printable";

    /// <summary>Base64 with CRLF after every 76 characters (RFC 2045 §6.8).</summary>
    public static string EncodeBase64(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder(data.Length * 4 / 3 + data.Length / 57 * 2 + 4);
        const int bytesPerLine = MaxLineLength / 4 * 3;
        while (!data.IsEmpty)
        {
            var line = data[..Math.Min(bytesPerLine, data.Length)];
            sb.Append(Convert.ToBase64String(line)).Append("\r\n");
            data = data[line.Length..];
        }
        return sb.ToString();
    }

    /// <summary>Streams <paramref name="source"/> to <paramref name="destination"/> as base64 lines with CRLF.</summary>
    public static async Task WriteBase64Async(Stream source, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        const int bytesPerLine = MaxLineLength / 4 * 3;
        const int linesPerChunk = 256;
        var input = ArrayPool<byte>.Shared.Rent(bytesPerLine * linesPerChunk);
        try
        {
            while (true)
            {
                var filled = 0;
                int n;
                // Fill whole chunks so that every line but the last has exactly 76 characters.
                while (filled < bytesPerLine * linesPerChunk &&
                       (n = await source.ReadAsync(input.AsMemory(filled, bytesPerLine * linesPerChunk - filled), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    filled += n;
                }
                if (filled == 0) break;
                var text = EncodeBase64(input.AsSpan(0, filled));
                await destination.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken).ConfigureAwait(false);
                if (filled < bytesPerLine * linesPerChunk) break;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    /// <summary>
    /// Quoted-printable (RFC 2045 §6.7) for text: line breaks (CRLF or LF) become CRLF, lines are
    /// soft-broken at 76 characters, trailing blanks and a leading "From " or "." are escaped.
    /// </summary>
    public static string EncodeQuotedPrintable(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder(data.Length + data.Length / 8 + 8);
        var lineLength = 0;
        for (var i = 0; i < data.Length; i++)
        {
            var b = data[i];
            if (b == '\r' && i + 1 < data.Length && data[i + 1] == '\n') continue;
            if (b == '\n')
            {
                sb.Append("\r\n");
                lineLength = 0;
                continue;
            }

            var atLineEnd = i + 1 == data.Length || data[i + 1] == '\n' || (data[i + 1] == '\r' && i + 2 < data.Length && data[i + 2] == '\n');
            var literal = b is >= 33 and <= 126 && b != '=' || (b is (byte)' ' or (byte)'\t' && !atLineEnd);
            // Protect lines from mbox "From " mangling and SMTP dot handling in careless relays.
            if (lineLength == 0 && (b == '.' || (b == 'F' && data[i..].StartsWith("From "u8)))) literal = false;
            var width = literal ? 1 : 3;

            // Keep room for the '=' of a soft break unless this is the last character of the line.
            var limit = atLineEnd ? MaxLineLength : MaxLineLength - 1;
            if (lineLength + width > limit)
            {
                sb.Append("=\r\n");
                lineLength = 0;
            }
            if (literal) sb.Append((char)b);
            else sb.Append('=').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
            lineLength += width;
        }
        return sb.ToString();
    }

    /// <summary>
    /// The transfer encoding the writer should use: 7bit for short-lined ASCII text,
    /// quoted-printable for mostly-ASCII text, base64 for the rest and for binary content.
    /// </summary>
    public static string Choose(ReadOnlySpan<byte> data, bool isText)
    {
        if (!isText) return "base64";
        int nonAscii = 0, lineLength = 0, maxLine = 0;
        var control = false;
        foreach (var b in data)
        {
            if (b == '\n') { maxLine = Math.Max(maxLine, lineLength); lineLength = 0; continue; }
            lineLength++;
            if (b >= 0x80) nonAscii++;
            else if (b is < 0x20 and not (byte)'\t' and not (byte)'\r') control = true;
        }
        maxLine = Math.Max(maxLine, lineLength);
        if (control && data.IndexOf((byte)0) >= 0) return "base64";
        if (nonAscii == 0 && !control && maxLine <= 998) return "7bit";
        // QP triples every non-ASCII byte; beyond about a sixth of the text base64 is shorter.
        return nonAscii * 6 <= data.Length ? "quoted-printable" : "base64";
    }

    private const string HexDigits = "0123456789ABCDEF";

    private sealed class IdentityDecoder : IByteDecoder
    {
        public int MaxOutput(int inputLength) => inputLength;

        public int Decode(ReadOnlySpan<byte> input, Span<byte> output)
        {
            input.CopyTo(output);
            return input.Length;
        }

        public int Flush(Span<byte> output) => 0;
    }

    private static IByteDecoder? CreateDecoder(string? transferEncoding) => Normalize(transferEncoding) switch
    {
        "base64" => new SniffingBase64Decoder(),
        "quoted-printable" => new QuotedPrintableDecoder(),
        _ => null,
    };

    // Senders write "Base64", " base64 ", "x-base64", "quoted_printable", "QP", "8bit;".
    private static string Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return "";
        var s = value.Trim().Trim('"', ';').Trim().ToLowerInvariant();
        if (s.StartsWith("x-", StringComparison.Ordinal)) s = s[2..];
        return s switch
        {
            "base64" or "base-64" or "b64" => "base64",
            "quoted-printable" or "quoted_printable" or "quotedprintable" or "qp" => "quoted-printable",
            _ => s,
        };
    }
}
