namespace TicketWorker.Mail.Encodings;

/// <summary>Lenient quoted-printable (RFC 2045 §6.7): bad escapes kept literally, soft breaks, trailing blanks removed.</summary>
internal sealed class QuotedPrintableDecoder : IByteDecoder
{
    // Trailing blanks are held back until we know whether a line break follows them (RFC 2045
    // §6.7 rule 3: they must be deleted when decoding). A longer run is written out as data.
    private const int MaxHeldBlanks = 1024;

    private enum State { Text, Equals, EqualsHex, EqualsBlank, EqualsCr }

    private readonly bool _rfc2047;
    private readonly byte[] _blanks = new byte[MaxHeldBlanks];
    private int _blankCount;
    private State _state;
    private byte _hex;

    /// <param name="rfc2047">Also decode '_' as a space (the Q encoding of RFC 2047 §4.2).</param>
    public QuotedPrintableDecoder(bool rfc2047 = false) => _rfc2047 = rfc2047;

    public int MaxOutput(int inputLength) => inputLength + MaxHeldBlanks + 4;

    public int Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var w = 0;
        for (var i = 0; i < input.Length; i++)
        {
            var b = input[i];
            switch (_state)
            {
                case State.Text:
                    if (b == '=')
                    {
                        // Blanks before an escape or a soft break are data, not trailing blanks.
                        w = WriteBlanks(output, w);
                        _state = State.Equals;
                    }
                    else if (b is (byte)' ' or (byte)'\t')
                    {
                        if (_blankCount == MaxHeldBlanks) w = WriteBlanks(output, w);
                        _blanks[_blankCount++] = b;
                    }
                    else if (b is (byte)'\r' or (byte)'\n')
                    {
                        _blankCount = 0;
                        output[w++] = b;
                    }
                    else
                    {
                        w = WriteBlanks(output, w);
                        output[w++] = _rfc2047 && b == '_' ? (byte)' ' : b;
                    }
                    break;

                case State.Equals:
                    if (HexValue(b) >= 0)
                    {
                        _hex = b;
                        _state = State.EqualsHex;
                    }
                    else if (b == '\n')
                    {
                        _blankCount = 0;
                        _state = State.Text; // soft line break (bare LF)
                    }
                    else if (b == '\r')
                    {
                        _state = State.EqualsCr;
                    }
                    else if (b is (byte)' ' or (byte)'\t')
                    {
                        _blanks[_blankCount++] = b; // "=  CRLF" is still a soft break; held until we know
                        _state = State.EqualsBlank;
                    }
                    else
                    {
                        w = WriteBlanks(output, w);
                        output[w++] = (byte)'=';
                        _state = State.Text;
                        i--; // not an escape: keep '=' literally and look at this byte again
                    }
                    break;

                case State.EqualsHex:
                    w = WriteBlanks(output, w);
                    if (HexValue(b) >= 0)
                    {
                        output[w++] = (byte)((HexValue(_hex) << 4) | HexValue(b));
                        _state = State.Text;
                    }
                    else
                    {
                        output[w++] = (byte)'=';
                        output[w++] = _hex;
                        _state = State.Text;
                        i--;
                    }
                    break;

                case State.EqualsBlank:
                    if (b is (byte)' ' or (byte)'\t' && _blankCount < MaxHeldBlanks)
                    {
                        _blanks[_blankCount++] = b;
                        break;
                    }
                    if (b == '\n') { _blankCount = 0; _state = State.Text; break; }
                    if (b == '\r') { _blankCount = 0; _state = State.EqualsCr; break; }
                    // "= 5": not a soft break after all; '=' and the blanks are literal text.
                    output[w++] = (byte)'=';
                    w = WriteBlanks(output, w);
                    _state = State.Text;
                    i--;
                    break;

                case State.EqualsCr:
                    _blankCount = 0;
                    _state = State.Text;
                    if (b != '\n') i--; // "=\r" without LF: still a soft break
                    break;
            }
        }
        return w;
    }

    public int Flush(Span<byte> output)
    {
        var w = 0;
        // Blanks at the very end are trailing blanks of the last line: deleted.
        _blankCount = 0;
        // A '=' (and blanks) at the very end is a soft break without its line break (common).
        if (_state == State.EqualsHex)
        {
            output[w++] = (byte)'=';
            output[w++] = _hex;
        }
        _state = State.Text;
        return w;
    }

    private int WriteBlanks(Span<byte> output, int w)
    {
        if (_blankCount == 0) return w;
        _blanks.AsSpan(0, _blankCount).CopyTo(output[w..]);
        w += _blankCount;
        _blankCount = 0;
        return w;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        _ => -1,
    };
}
