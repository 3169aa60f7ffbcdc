using System.Text;

namespace TicketWorker.Mail.Encodings;

/// <summary>UTF-7 (RFC 2152) decoding and encoding, written here because .NET's UTF-7 is obsolete.</summary>
/// <remarks>
/// The same base64-of-UTF-16 core serves IMAP's modified UTF-7 (RFC 3501 §5.1.3), see
/// <see cref="ModifiedUtf7"/>: only the shift character ('&amp;' instead of '+'), the base64 alphabet
/// (',' instead of '/') and the set of directly written characters differ.
/// </remarks>
public static class Utf7
{
    private const string Base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private const string ImapAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

    private static readonly sbyte[] StandardValues = BuildValues(Base64Alphabet);
    private static readonly sbyte[] ImapValues = BuildValues(ImapAlphabet);

    /// <summary>Decodes UTF-7 bytes leniently (bad base64 ends the shifted run; never throws).</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        var state = new Utf7DecoderState(imap: false);
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes) state.Feed(b, sb);
        state.Finish(sb);
        return sb.ToString();
    }

    /// <summary>Decodes a UTF-7 string (as found in a header after transport decoding).</summary>
    public static string Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var state = new Utf7DecoderState(imap: false);
        var sb = new StringBuilder(value.Length);
        foreach (var c in value) state.Feed(c, sb);
        state.Finish(sb);
        return sb.ToString();
    }

    /// <summary>Encodes text as UTF-7 (RFC 2152): set D and whitespace direct, everything else shifted.</summary>
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return EncodeCore(value, imap: false);
    }

    /// <summary>Encodes text as UTF-7 bytes (all ASCII).</summary>
    public static byte[] EncodeToBytes(string value) => Encoding.ASCII.GetBytes(Encode(value));

    internal static string EncodeCore(string value, bool imap)
    {
        var shift = imap ? '&' : '+';
        var alphabet = imap ? ImapAlphabet : Base64Alphabet;
        var sb = new StringBuilder(value.Length + 8);
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            if (c == shift)
            {
                sb.Append(shift).Append('-');
                i++;
                continue;
            }
            if (IsDirect(c, imap))
            {
                sb.Append(c);
                i++;
                continue;
            }
            // A run of characters that need shifting: base64 of their UTF-16BE code units.
            sb.Append(shift);
            int bits = 0, bitCount = 0;
            while (i < value.Length && value[i] != shift && !IsDirect(value[i], imap))
            {
                bits = (bits << 16) | value[i];
                bitCount += 16;
                while (bitCount >= 6)
                {
                    bitCount -= 6;
                    sb.Append(alphabet[(bits >> bitCount) & 0x3F]);
                }
                bits &= (1 << bitCount) - 1;
                i++;
            }
            if (bitCount > 0) sb.Append(alphabet[(bits << (6 - bitCount)) & 0x3F]);
            // RFC 2152 allows omitting '-' before a non-base64 character; always writing it is
            // simpler and required by RFC 3501.
            sb.Append('-');
        }
        return sb.ToString();
    }

    // RFC 2152 set D plus space, tab, CR and LF; RFC 3501: every printable US-ASCII character.
    private static bool IsDirect(char c, bool imap)
    {
        if (imap) return c is >= '\x20' and <= '\x7e';
        return c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9')
            or '\'' or '(' or ')' or ',' or '-' or '.' or '/' or ':' or '?' or ' ' or '\t' or '\r' or '\n';
    }

    private static sbyte[] BuildValues(string alphabet)
    {
        var values = new sbyte[128];
        Array.Fill(values, (sbyte)-1);
        for (var i = 0; i < alphabet.Length; i++) values[alphabet[i]] = (sbyte)i;
        return values;
    }

    /// <summary>Incremental decoder state so that chunked input (a <see cref="Decoder"/>) decodes the same.</summary>
    internal struct Utf7DecoderState(bool imap)
    {
        private readonly bool _imap = imap;
        private bool _inBase64;
        private bool _justShifted;
        private int _bits;
        private int _bitCount;

        public void Feed(int unit, StringBuilder output)
        {
            var shift = _imap ? '&' : '+';
            if (!_inBase64)
            {
                if (unit == shift)
                {
                    _inBase64 = true;
                    _justShifted = true;
                    _bits = 0;
                    _bitCount = 0;
                }
                else
                {
                    output.Append((char)unit);
                }
                return;
            }

            var values = _imap ? ImapValues : StandardValues;
            var v = unit < 128 ? values[unit] : -1;
            if (v >= 0)
            {
                _justShifted = false;
                _bits = (_bits << 6) | v;
                _bitCount += 6;
                if (_bitCount >= 16)
                {
                    _bitCount -= 16;
                    output.Append((char)((_bits >> _bitCount) & 0xFFFF));
                    _bits &= (1 << _bitCount) - 1;
                }
                return;
            }

            // RFC 2152: any non-base64 character ends the run; a '-' is absorbed, "+-" means '+'.
            _inBase64 = false;
            if (unit == '-')
            {
                if (_justShifted) output.Append(shift);
            }
            else
            {
                if (_justShifted) output.Append(shift);
                output.Append((char)unit);
            }
            _justShifted = false;
        }

        /// <summary>Ends the input: a lone shift character at the very end is kept literally.</summary>
        public void Finish(StringBuilder output)
        {
            if (_inBase64 && _justShifted) output.Append(_imap ? '&' : '+');
            _inBase64 = false;
            _justShifted = false;
        }
    }
}
