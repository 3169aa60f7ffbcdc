namespace TicketWorker.Mail.Encodings;

/// <summary>
/// Base64 for part bodies that first checks the content is base64 at all: mislabelled plain text
/// ("Content-Transfer-Encoding: base64" over readable text) is passed through instead of being
/// decoded into garbage.
/// </summary>
internal sealed class SniffingBase64Decoder : IByteDecoder
{
    // The decision is made on the first bytes; real base64 has neither punctuation nor blanks
    // inside its lines, text has plenty of both.
    private const int SampleSize = 2048;

    private readonly Base64Decoder _base64 = new();
    private readonly byte[] _sample = new byte[SampleSize];
    private int _sampleLength;
    private bool? _passThrough;

    public int MaxOutput(int inputLength) => inputLength + SampleSize + 3;

    public int Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var written = 0;
        if (_passThrough is null)
        {
            var take = Math.Min(input.Length, SampleSize - _sampleLength);
            input[..take].CopyTo(_sample.AsSpan(_sampleLength));
            _sampleLength += take;
            input = input[take..];
            if (_sampleLength < SampleSize) return 0;
            written = Decide(output);
        }
        return written + DecodeDecided(input, output[written..]);
    }

    public int Flush(Span<byte> output)
    {
        var written = _passThrough is null ? Decide(output) : 0;
        return written + (_passThrough == true ? 0 : _base64.Flush(output[written..]));
    }

    private int Decide(Span<byte> output)
    {
        _passThrough = LooksLikeText(_sample.AsSpan(0, _sampleLength));
        return DecodeDecided(_sample.AsSpan(0, _sampleLength), output);
    }

    private int DecodeDecided(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (_passThrough != true) return _base64.Decode(input, output);
        input.CopyTo(output);
        return input.Length;
    }

    internal static bool LooksLikeText(ReadOnlySpan<byte> sample)
    {
        int payload = 0, foreign = 0, lines = 0, textLines = 0;
        foreach (var line in sample.Split((byte)'\n'))
        {
            var content = sample[line].TrimEnd("\r \t"u8).TrimStart(" \t"u8);
            if (content.IsEmpty) continue;
            lines++;
            if (content.IndexOfAny(" \t"u8) >= 0) textLines++;
            foreach (var b in content)
            {
                payload++;
                var isBase64 = b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
                    or (byte)'+' or (byte)'/' or (byte)'=' or (byte)' ' or (byte)'\t';
                if (!isBase64) foreign++;
            }
        }
        // Several lines with inner blanks, or a fifth of the bytes outside the alphabet: text. Short
        // or mildly dirty base64 (a stray character, junk after the padding) is still decoded.
        return (textLines >= 3 && textLines * 2 >= lines) || (payload >= 40 && foreign * 5 > payload);
    }
}
