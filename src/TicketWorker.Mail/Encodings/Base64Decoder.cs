namespace TicketWorker.Mail.Encodings;

/// <summary>Lenient base64 (RFC 2045 §6.8): whitespace and garbage skipped, padding optional.</summary>
internal sealed class Base64Decoder : IByteDecoder
{
    private static readonly sbyte[] Values = BuildValues();
    private int _bits;
    private int _bitCount;
    private bool _skipLine;

    public int MaxOutput(int inputLength) => inputLength * 3 / 4 + 3;

    public int Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var written = 0;
        foreach (var b in input)
        {
            if (_skipLine)
            {
                if (b == '\n') _skipLine = false;
                continue;
            }
            var v = Values[b];
            if (v >= 0)
            {
                _bits = (_bits << 6) | (v & 0x3F);
                _bitCount += 6;
                if (_bitCount >= 8)
                {
                    _bitCount -= 8;
                    output[written++] = (byte)(_bits >> _bitCount);
                    _bits &= (1 << _bitCount) - 1;
                }
            }
            else if (b == '=')
            {
                // Padding ends the data of its line: the leftover bits are not data, and what
                // follows on the line ("QQ== ignored") is junk. The next line starts afresh, which
                // decodes concatenated padded blobs from broken mailers too.
                _bits = 0;
                _bitCount = 0;
                _skipLine = true;
            }
            // RFC 2045 §6.8: characters outside the alphabet are ignored.
        }
        return written;
    }

    // Fewer than 8 leftover bits at the end (missing padding) carry no complete byte.
    public int Flush(Span<byte> output)
    {
        _skipLine = false;
        _bits = 0;
        _bitCount = 0;
        return 0;
    }

    private static sbyte[] BuildValues()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var values = new sbyte[256];
        Array.Fill(values, (sbyte)-1);
        for (var i = 0; i < alphabet.Length; i++) values[alphabet[i]] = (sbyte)i;
        return values;
    }
}
