using System.Text;

namespace TicketWorker.Mail.Encodings;

/// <summary>RFC 2047 encoded words: decoding (lenient) and encoding.</summary>
public static class Rfc2047
{
    // RFC 2047 §2: an encoded word is at most 75 characters.
    private const int MaxWordLength = 75;

    /// <summary>Decodes an unstructured header value (Subject, Comments): encoded words anywhere.</summary>
    public static string DecodeText(string value) => DecodeText(value, null);

    /// <summary>Decodes encoded words; <paramref name="fallback"/> decodes unknown charsets that are not UTF-8.</summary>
    public static string DecodeText(string value, Encoding? fallback)
    {
        if (string.IsNullOrEmpty(value) || !value.Contains("=?", StringComparison.Ordinal)) return value ?? "";
        var words = FindEncodedWords(value);
        if (words.Count == 0) return value;

        var sb = new StringBuilder(value.Length);
        var pending = new List<byte>();
        string? pendingCharset = null;
        string? pendingCharsetName = null;
        var last = 0;
        foreach (var word in words)
        {
            var between = value.AsSpan(last, word.Index - last);
            var adjacent = pendingCharset is not null && between.IsWhiteSpace();
            var charsetKey = CharsetKey(word.Charset);

            // RFC 2047 §6.2: whitespace between adjacent encoded words is not displayed. Bytes of
            // adjacent words in one charset are decoded together, so a multi-byte character split
            // across two words (common with B encoding) survives.
            if (!adjacent || pendingCharset != charsetKey)
            {
                Flush(sb, pending, ref pendingCharset, pendingCharsetName, fallback);
                if (!adjacent) sb.Append(between);
            }
            pendingCharset = charsetKey;
            pendingCharsetName = word.Charset;
            DecodeWordBytes(word.Encoding, value.AsSpan(word.TextStart, word.TextLength), pending);
            last = word.Index + word.Length;
        }
        Flush(sb, pending, ref pendingCharset, pendingCharsetName, fallback);
        sb.Append(value.AsSpan(last));
        return sb.ToString();
    }

    /// <summary>Decodes a phrase (display name), including encoded words inside quoted strings.</summary>
    public static string DecodePhrase(string value) => DecodePhrase(value, null);

    /// <summary>Decodes a phrase: quoted strings unquoted, encoded words decoded (also inside quotes, as senders do).</summary>
    public static string DecodePhrase(string value, Encoding? fallback)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var unquoted = Unquote(value);
        return DecodeText(unquoted, fallback).Trim();
    }

    /// <summary>Encodes text for an unstructured header if it needs it, folding is left to the writer.</summary>
    public static string EncodeText(string value) => Encode(value, phrase: false);

    /// <summary>Encodes a display name: plain, quoted when it has specials, encoded words when not ASCII.</summary>
    public static string EncodePhrase(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (NeedsEncoding(value) || value.Contains("=?", StringComparison.Ordinal)) return Encode(value, phrase: true);
        if (value.Length > 0 && !value.Any(IsSpecial)) return value;
        return "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>Removes quotes and backslash escapes of quoted strings, leaving other text as is.</summary>
    internal static string Unquote(string value)
    {
        if (!value.Contains('"')) return value;
        var sb = new StringBuilder(value.Length);
        var inQuotes = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '"') inQuotes = !inQuotes;
            else if (c == '\\' && inQuotes && i + 1 < value.Length) sb.Append(value[++i]);
            else sb.Append(c);
        }
        return sb.ToString();
    }

    private static void Flush(StringBuilder sb, List<byte> pending, ref string? pendingCharset, string? pendingCharsetName, Encoding? fallback)
    {
        if (pendingCharset is null) return;
        sb.Append(Charsets.Decode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pending), pendingCharsetName, fallback));
        pending.Clear();
        pendingCharset = null;
    }

    private static string CharsetKey(string charset)
    {
        var star = charset.IndexOf('*'); // RFC 2231 §5 language suffix: =?utf-8*fa?B?...?=
        return (star >= 0 ? charset[..star] : charset).ToLowerInvariant();
    }

    private static void DecodeWordBytes(char encoding, ReadOnlySpan<char> text, List<byte> output)
    {
        Span<byte> ascii = text.Length <= 256 ? stackalloc byte[text.Length * 3] : new byte[text.Length * 3];
        // Raw non-ASCII inside a word is broken but happens; keep it as UTF-8.
        var n = Encoding.UTF8.GetBytes(text, ascii);
        IByteDecoder decoder = encoding is 'B' or 'b' ? new Base64Decoder() : new QuotedPrintableDecoder(rfc2047: true);
        var buffer = new byte[decoder.MaxOutput(n)];
        var written = decoder.Decode(ascii[..n], buffer);
        written += decoder.Flush(buffer.AsSpan(written));
        for (var i = 0; i < written; i++) output.Add(buffer[i]);
    }

    private static string Encode(string value, bool phrase)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!phrase && !NeedsEncoding(value) && !LooksEncoded(value)) return value;

        // Words that need encoding are grouped into runs (with the blanks between them, which
        // decoders drop between encoded words); plain words stay readable.
        var words = SplitKeepingBlanks(value);
        var sb = new StringBuilder(value.Length * 2);
        var i = 0;
        while (i < words.Count)
        {
            if (!WordNeedsEncoding(words[i], phrase))
            {
                sb.Append(words[i++]);
                continue;
            }
            var run = new StringBuilder(words[i++]);
            while (i + 1 < words.Count && IsBlank(words[i]) && WordNeedsEncoding(words[i + 1], phrase))
            {
                run.Append(words[i]).Append(words[i + 1]);
                i += 2;
            }
            AppendEncodedWords(sb, run.ToString(), phrase);
        }
        return sb.ToString();
    }

    private static void AppendEncodedWords(StringBuilder sb, string run, bool phrase)
    {
        var bytes = Encoding.UTF8.GetBytes(run);
        var qLength = bytes.Sum(b => QWidth(b, phrase));
        var useB = (bytes.Length + 2) / 3 * 4 < qLength;
        const string prefixB = "=?utf-8?b?", prefixQ = "=?utf-8?q?";
        var room = MaxWordLength - prefixB.Length - 2;

        var first = true;
        var start = 0;
        while (start < run.Length)
        {
            // Take whole code points (never half a surrogate pair, so never half a UTF-8 sequence).
            var end = start;
            var byteCount = 0;
            var width = 0;
            while (end < run.Length)
            {
                var len = char.IsHighSurrogate(run[end]) && end + 1 < run.Length ? 2 : 1;
                var cpBytes = Encoding.UTF8.GetBytes(run.ToCharArray(end, len));
                var newWidth = useB ? (byteCount + cpBytes.Length + 2) / 3 * 4 : width + cpBytes.Sum(b => QWidth(b, phrase));
                if (newWidth > room && end > start) break;
                byteCount += cpBytes.Length;
                width = newWidth;
                end += len;
            }
            var chunk = Encoding.UTF8.GetBytes(run[start..end]);
            if (!first) sb.Append(' ');
            sb.Append(useB ? prefixB : prefixQ);
            if (useB) sb.Append(Convert.ToBase64String(chunk));
            else foreach (var b in chunk) AppendQ(sb, b, phrase);
            sb.Append("?=");
            first = false;
            start = end;
        }
    }

    private static int QWidth(byte b, bool phrase) => IsQLiteral(b, phrase) || b == ' ' ? 1 : 3;

    // RFC 2047 §5 (3): in a phrase only letters, digits and "!*+-/" may appear literally; we use
    // the same safe set in text.
    private static bool IsQLiteral(byte b, bool phrase) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
        or (byte)'!' or (byte)'*' or (byte)'+' or (byte)'-' or (byte)'/';

    private static void AppendQ(StringBuilder sb, byte b, bool phrase)
    {
        if (b == ' ') sb.Append('_');
        else if (IsQLiteral(b, phrase)) sb.Append((char)b);
        else sb.Append('=').Append("0123456789ABCDEF"[b >> 4]).Append("0123456789ABCDEF"[b & 0xF]);
    }

    private static List<string> SplitKeepingBlanks(string value)
    {
        var words = new List<string>();
        var i = 0;
        while (i < value.Length)
        {
            var blank = IsBlank(value[i]);
            var start = i;
            while (i < value.Length && IsBlank(value[i]) == blank) i++;
            words.Add(value[start..i]);
        }
        return words;
    }

    private static bool IsBlank(char c) => c is ' ' or '\t';
    private static bool IsBlank(string s) => s.Length > 0 && IsBlank(s[0]);

    private static bool WordNeedsEncoding(string word, bool phrase)
    {
        if (IsBlank(word)) return false;
        if (NeedsEncoding(word) || LooksEncoded(word)) return true;
        // A plain word longer than a line cannot be folded; encoding lets the writer split it.
        if (word.Length > MaxWordLength) return true;
        return phrase && word.Any(IsSpecial);
    }

    private static bool NeedsEncoding(string value) => value.Any(c => c > '~' || (c < ' ' && c != '\t'));
    private static bool LooksEncoded(string value) => value.Contains("=?", StringComparison.Ordinal) && value.Contains("?=", StringComparison.Ordinal);

    // RFC 5322 §3.2.3 specials, which need quoting in a phrase.
    private static bool IsSpecial(char c) => c is '(' or ')' or '<' or '>' or '[' or ']' or ':' or ';' or '@' or '\\' or ',' or '.' or '"';

    private readonly record struct EncodedWord(int Index, int Length, string Charset, char Encoding, int TextStart, int TextLength);

    // Finds =?charset?B|Q?text?= leniently: the text may hold blanks and a raw '?' not followed
    // by '=' (broken mailers), the charset may carry *lang. A hand-written scan (not a regex) so
    // that a hostile header of many unterminated words costs linear time: the next "?=" is
    // searched once and shared by every candidate before it.
    private static List<EncodedWord> FindEncodedWords(string value)
    {
        const int maxCharset = 64, maxText = 2000; // far above RFC 2047's 75, for lax encoders
        var words = new List<EncodedWord>();
        var terminator = -1;
        var i = 0;
        while ((i = value.IndexOf("=?", i, StringComparison.Ordinal)) >= 0)
        {
            var p = i + 2;
            var q = p;
            while (q < value.Length && q - p <= maxCharset && value[q] is not ('?' or '"') && !char.IsWhiteSpace(value[q])) q++;
            if (q == p || q - p > maxCharset || q + 2 >= value.Length || value[q] != '?' || value[q + 2] != '?' || value[q + 1] is not ('B' or 'b' or 'Q' or 'q'))
            {
                i += 2;
                continue;
            }
            var textStart = q + 3;
            if (terminator < textStart)
            {
                terminator = value.IndexOf("?=", textStart, StringComparison.Ordinal);
                if (terminator < 0) break; // no later candidate can end either
            }
            if (terminator - textStart > maxText)
            {
                i += 2;
                continue;
            }
            words.Add(new EncodedWord(i, terminator + 2 - i, value[p..q], value[q + 1], textStart, terminator - textStart));
            i = terminator + 2;
        }
        return words;
    }
}
