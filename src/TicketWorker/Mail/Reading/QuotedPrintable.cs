namespace TicketWorker.Mail.Reading;

/// <summary>
/// A streaming quoted-printable decoder (RFC 2045 §6.7) that gives exactly the bytes of MimeKit's
/// <c>QuotedPrintableDecoder</c>, malformed input included, but copies the runs between "=" signs
/// at once (a vectorized search) instead of byte by byte: mail text is long runs of ASCII with
/// an "=" at each soft line break and for each non-ASCII byte.
/// </summary>
/// <remarks>
/// MimeKit's rules, kept here: "=" and two hex digits of either case is one byte; "=\r\n" and "=\n"
/// are soft line breaks; anything else after "=" is passed through as it stands, including the
/// byte that broke the sequence ("=A=" is three literal bytes, while "==" is a literal "=" and a new
/// escape). Whitespace before a line break is kept, "= \r\n" included (RFC 2045 rule 3 would drop
/// it), and a lone CR is data. An escape cut off by the end of the content is dropped, so there is
/// nothing to flush.
/// </remarks>
internal sealed class QuotedPrintable
{
    private enum State : byte
    {
        Text,
        AfterEquals,
        AfterEqualsCr,
        AfterEqualsHex,
    }

    private State _state;
    private byte _hex;

    /// <summary>The output room a chunk needs: an escape begun in the previous chunk may emit two bytes more than it has.</summary>
    public static int MaxOutputLength(int inputLength) => inputLength + 2;

    /// <summary>Decodes a chunk, carrying an unfinished escape over to the next; <paramref name="output"/> needs <see cref="MaxOutputLength"/> bytes.</summary>
    public int Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length < MaxOutputLength(input.Length))
            throw new ArgumentException($"The output needs room for {MaxOutputLength(input.Length)} bytes.", nameof(output));
        var i = 0;
        var n = 0;
        byte c;
        while (i < input.Length)
        {
            switch (_state)
            {
                case State.Text:
                    // Runs of plain bytes at once, and the common escapes whole in this chunk without leaving the loop;
                    // the rest (and an escape cut by the chunk's end) go through the states.
                    while (true)
                    {
                        var rest = input[i..];
                        var equals = rest.IndexOf((byte)'=');
                        if (equals < 0)
                        {
                            rest.CopyTo(output[n..]);
                            return n + rest.Length;
                        }
                        rest[..equals].CopyTo(output[n..]);
                        n += equals;
                        i += equals + 1;
                        if (i + 1 >= input.Length) break;
                        var (a, b) = (input[i], input[i + 1]);
                        if (HexValue(a) is >= 0 and var high && HexValue(b) is >= 0 and var low)
                        {
                            output[n++] = (byte)(high << 4 | low);
                            i += 2;
                        }
                        else if (a == '\r' && b == '\n') i += 2;
                        else if (a == '\n') i++;
                        else break;
                    }
                    _state = State.AfterEquals;
                    break;
                case State.AfterEquals:
                    c = input[i++];
                    if (HexValue(c) >= 0)
                    {
                        _hex = c;
                        _state = State.AfterEqualsHex;
                    }
                    else if (c == '=')
                    {
                        // The first "=" was literal; the second may still begin an escape.
                        output[n++] = (byte)'=';
                    }
                    else if (c == '\r') _state = State.AfterEqualsCr;
                    else if (c == '\n') _state = State.Text;
                    else
                    {
                        output[n++] = (byte)'=';
                        output[n++] = c;
                        _state = State.Text;
                    }
                    break;
                case State.AfterEqualsCr:
                    c = input[i++];
                    if (c != '\n')
                    {
                        output[n++] = (byte)'=';
                        output[n++] = (byte)'\r';
                        output[n++] = c;
                    }
                    _state = State.Text;
                    break;
                case State.AfterEqualsHex:
                    c = input[i++];
                    if (HexValue(c) is >= 0 and var second)
                        output[n++] = (byte)(HexValue(_hex) << 4 | second);
                    else
                    {
                        output[n++] = (byte)'=';
                        output[n++] = _hex;
                        output[n++] = c;
                    }
                    _state = State.Text;
                    break;
            }
        }
        return n;
    }

    private static int HexValue(byte c) => HexValues[c];

    // The value of each byte as a hex digit (either case), -1 if it is none.
    private static ReadOnlySpan<sbyte> HexValues =>
    [
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1, -1, -1, -1, -1,
        -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    ];
}
