namespace TicketWorker.Mail.Reading;

/// <summary>
/// A streaming base64 decoder that keeps what MimeKit drops: a last group cut short (two or three
/// characters still carry one or two bytes, RFC 4648 §4 with the padding lost). Characters outside
/// the alphabet are skipped (RFC 2045 §6.8); padding ends a group, and decoding goes on after it
/// (some senders concatenate base64 blocks).
/// </summary>
internal sealed class LenientBase64
{
    private static readonly sbyte[] Map = BuildMap();
    private int _bits;
    private int _count;

    /// <summary>Decodes a chunk; <paramref name="output"/> needs room for input.Length * 3 / 4 + 3 bytes.</summary>
    public int Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var n = 0;
        foreach (var c in input)
        {
            if (c == '=')
            {
                n += Flush(output[n..]);
                continue;
            }
            var v = Map[c];
            if (v < 0) continue;
            _bits = (_bits << 6) | (byte)v;
            if (++_count == 4)
            {
                output[n++] = (byte)(_bits >> 16);
                output[n++] = (byte)(_bits >> 8);
                output[n++] = (byte)_bits;
                _bits = 0;
                _count = 0;
            }
        }
        return n;
    }

    /// <summary>Emits the bytes of an unfinished group (at the end of the input or at padding).</summary>
    public int Flush(Span<byte> output)
    {
        var n = 0;
        if (_count == 2) output[n++] = (byte)(_bits >> 4);
        else if (_count == 3)
        {
            output[n++] = (byte)(_bits >> 10);
            output[n++] = (byte)(_bits >> 2);
        }
        _bits = 0;
        _count = 0;
        return n;
    }

    /// <summary>The decoded size of a chunk without decoding it; call with the whole input in order, then <see cref="CountFlush"/>.</summary>
    public long Count(ReadOnlySpan<byte> input)
    {
        // Runs of alphabet characters (a line of base64) are counted whole, found by a vectorized search: a 50 MB
        // attachment's size is counted when its message is read.
        long n = 0;
        while (!input.IsEmpty)
        {
            var run = input.IndexOfAnyExcept(Alphabet);
            if (run < 0) run = input.Length;
            if (run > 0)
            {
                var sextets = _count + run;
                n += sextets / 4 * 3L;
                _count = sextets % 4;
                input = input[run..];
                continue;
            }
            if (input[0] == '=') n += CountFlush();
            input = input[1..];
        }
        return n;
    }

    private static ReadOnlySpan<byte> AlphabetBytes => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8;

    private static readonly System.Buffers.SearchValues<byte> Alphabet = System.Buffers.SearchValues.Create(AlphabetBytes);

    public int CountFlush()
    {
        var n = _count is 2 ? 1 : _count is 3 ? 2 : 0;
        _count = 0;
        _bits = 0;
        return n;
    }

    private static sbyte[] BuildMap()
    {
        var map = new sbyte[256];
        Array.Fill(map, (sbyte)-1);
        for (var i = 0; i < AlphabetBytes.Length; i++) map[AlphabetBytes[i]] = (sbyte)i;
        return map;
    }
}
