using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Unicode;

namespace TicketWorker.Mail.Encodings;

/// <summary>Maps MIME charset names to encodings and decodes text without ever throwing.</summary>
public static partial class Charsets
{
    private static readonly ConcurrentDictionary<string, Encoding?> Cache = new(StringComparer.OrdinalIgnoreCase);
    private static readonly ConcurrentDictionary<int, Encoding> Strict = new();

    // Names seen in real mail that .NET does not know, or knows as a narrower charset than the
    // senders actually used (EUC-KR and GB2312 mail is written with the CP949/GB18030 supersets).
    private static readonly Dictionary<string, object> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["utf8"] = 65001, ["utf-8"] = 65001, ["unicode-1-1-utf-8"] = 65001, ["x-unicode20utf8"] = 65001,
        ["utf-7"] = 65000, ["utf7"] = 65000, ["unicode-1-1-utf-7"] = 65000, ["unicode-2-0-utf-7"] = 65000,
        ["x-unicode-2-0-utf-7"] = 65000, ["csunicode11utf7"] = 65000,
        ["ks_c_5601-1987"] = 949, ["ks_c_5601-1989"] = 949, ["ks_c_5601"] = 949, ["ksc5601"] = 949,
        ["ksc_5601"] = 949, ["euc-kr"] = 949, ["euckr"] = 949, ["x-euc-kr"] = 949, ["korean"] = 949, ["uhc"] = 949,
        ["gb2312"] = 54936, ["gbk"] = 54936, ["x-gbk"] = 54936, ["gb_2312-80"] = 54936, ["gb2312-80"] = 54936,
        ["euc-cn"] = 54936, ["x-euc-cn"] = 54936, ["cn-gb"] = 54936, ["csgb2312"] = 54936, ["chinese"] = 54936,
        ["cp936"] = 54936, ["windows-936"] = 54936, ["gb18030"] = 54936, ["936"] = 54936,
        ["big5"] = 950, ["big-5"] = 950, ["big5-hkscs"] = 950, ["x-x-big5"] = 950, ["cn-big5"] = 950, ["csbig5"] = 950,
        ["iso-8859-8-i"] = 28598, ["iso-8859-8-e"] = 28598, ["iso-8859-6-i"] = 28596, ["iso-8859-6-e"] = 28596,
        // ISO-8859-1 has only C1 controls at 0x80-0x9F; senders that declare it mean windows-1252
        // there (smart quotes, euro sign), as browsers assume too (WHATWG Encoding).
        ["iso-8859-1"] = 1252, ["latin1"] = 1252, ["l1"] = 1252, ["latin-1"] = 1252, ["cp819"] = 1252,
        ["latin2"] = 28592, ["l2"] = 28592,
        ["latin9"] = 28605, ["latin-9"] = 28605, ["latin5"] = 28599, ["greek"] = 28597, ["hebrew"] = 28598,
        ["arabic"] = 28596, ["cyrillic"] = 28595,
        ["koi8r"] = 20866, ["koi8"] = 20866, ["koi-8-r"] = 20866, ["koi8u"] = 21866, ["koi8-ru"] = 21866,
        ["shift-jis"] = 932, ["sjis"] = 932, ["x-sjis"] = 932, ["shift_jis"] = 932, ["ms_kanji"] = 932,
        ["windows-31j"] = 932, ["cswindows31j"] = 932, ["x-ms-cp932"] = 932,
        ["iso-2022-jp-1"] = 50220, ["iso-2022-jp-2"] = 50220, ["iso-2022-jp-3"] = 50220, ["jis"] = 50220,
        ["euc-jp"] = 51932, ["x-euc-jp"] = 51932, ["eucjp"] = 51932,
        ["tis-620"] = 874, ["tis620"] = 874, ["iso-8859-11"] = 874, ["thai"] = 874,
        ["mac"] = 10000, ["macroman"] = 10000, ["x-mac-roman"] = 10000, ["mac-roman"] = 10000,
        ["x-mac-centraleurroman"] = 10029, ["mac-centraleurope"] = 10029, ["maccentraleurope"] = 10029,
        ["maccyrillic"] = 10007, ["mac-cyrillic"] = 10007, ["x-mac-cyrillic"] = 10007,
        ["macgreek"] = 10006, ["macturkish"] = 10081, ["macukrainian"] = 10017, ["maciceland"] = 10079,
        ["maccroatian"] = 10082, ["macromania"] = 10010, ["macarabic"] = 10004, ["machebrew"] = 10005,
        ["x-mac-chinesesimplified"] = 10008, ["x-mac-chinesetraditional"] = 10002,
        // RFC 2781 §4.3: UTF-16 without a byte order mark is big-endian (a BOM still wins).
        ["ucs-2"] = 1201, ["ucs2"] = 1201, ["iso-10646-ucs-2"] = 1201, ["utf-16"] = 1201, ["utf16"] = 1201,
        ["unicode"] = 1200, ["utf-16le"] = 1200, ["utf-16be"] = 1201, ["utf-32"] = 12000, ["utf-32le"] = 12000,
        ["utf-32be"] = 12001,
        // No table in .NET; the closest relative decodes most text of these languages correctly.
        ["iso-8859-10"] = 28594, ["iso-8859-14"] = 1252, ["iso-8859-16"] = 28592, ["latin6"] = 28594,
        ["ibm866"] = 866, ["cp866"] = 866, ["866"] = 866,
    };

    // Names that declare nothing useful; the bytes decide (UTF-8 if valid, else the fallback).
    private static readonly HashSet<string> Unknown = new(StringComparer.OrdinalIgnoreCase)
    {
        "us-ascii", "ascii", "ansi_x3.4-1968", "ansi_x3.4-1986", "iso646-us", "us", "csascii", "iso-ir-6",
        "default", "x-unknown", "unknown", "unknown-8bit", "x-user-defined", "8bit", "7bit", "charset", "none",
    };

    static Charsets() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The encoding for a MIME charset name (aliases, code pages, UTF-7), or null when unknown.</summary>
    public static Encoding? GetEncoding(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset)) return null;
        var name = Normalize(charset);
        if (name.Length == 0 || Unknown.Contains(name)) return null;
        return Cache.GetOrAdd(name, Lookup);
    }

    /// <summary>The default fallback for text that is neither declared correctly nor valid UTF-8.</summary>
    public static Encoding Windows1252 => GetEncoding("windows-1252")!;

    /// <summary>
    /// Decodes bytes declared as <paramref name="charset"/>. Unknown charsets and invalid UTF-8 fall
    /// back to <paramref name="fallback"/> (default windows-1252); never throws.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string? charset, Encoding? fallback = null)
    {
        if (bytes.IsEmpty) return "";
        fallback ??= Windows1252;
        var encoding = GetEncoding(charset);
        try
        {
            if (encoding is null) return DecodeUndeclared(bytes, fallback);
            return encoding.CodePage switch
            {
                65001 => DecodeUtf8(bytes, fallback),
                65000 => Utf7.Decode(bytes),
                1200 or 1201 or 12000 or 12001 => DecodeUnicode(bytes, encoding),
                _ => DecodeLegacy(bytes, encoding, fallback),
            };
        }
        catch (Exception e) when (e is ArgumentException or DecoderFallbackException or NotSupportedException)
        {
            // Even a caller's strict fallback must not make decoding throw: Latin-1 maps every byte.
            return Encoding.Latin1.GetString(bytes);
        }
    }

    /// <summary>Decodes bytes with no (or a meaningless) declaration: ASCII, UTF-8 if valid, else the fallback.</summary>
    public static string DecodeUndeclared(ReadOnlySpan<byte> bytes, Encoding? fallback = null)
    {
        fallback ??= Windows1252;
        if (Ascii.IsValid(bytes)) return Encoding.ASCII.GetString(bytes);
        // A UTF-16 byte order mark is unambiguous (UTF-8's is handled by the UTF-8 path).
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            return DecodeUnicode(bytes, Encoding.BigEndianUnicode);
        }
        return DecodeUtf8(bytes, fallback);
    }

    /// <summary>
    /// The charset an HTML document declares for itself (&lt;meta charset&gt; or http-equiv
    /// Content-Type) in its first 1024 bytes, or null; for text/html parts without a MIME charset.
    /// </summary>
    public static string? DetectHtmlCharset(ReadOnlySpan<byte> html)
    {
        // The HTML standard's prescan also looks only at the first 1024 bytes.
        var head = Encoding.Latin1.GetString(html[..Math.Min(html.Length, 1024)]);
        var m = HtmlMetaCharset().Match(head);
        if (!m.Success) return null;
        var name = m.Groups[1].Value;
        return GetEncoding(name) is null ? null : name;
    }

    /// <summary>True when the bytes are well-formed UTF-8 (ASCII included).</summary>
    public static bool IsValidUtf8(ReadOnlySpan<byte> bytes) => Utf8.IsValid(bytes);

    private static string DecodeUtf8(ReadOnlySpan<byte> bytes, Encoding fallback)
    {
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) bytes = bytes[3..];
        if (Utf8.IsValid(bytes)) return Encoding.UTF8.GetString(bytes);
        // Mostly UTF-8 with a stray bad byte (a truncated line, one pasted Latin-1 character) reads
        // better as UTF-8; text that is mostly not UTF-8 is a mislabelled legacy charset.
        var (valid, invalid) = CountUtf8Sequences(bytes);
        if (valid >= 4 * invalid) return Encoding.UTF8.GetString(bytes);
        // The fallback must decode cleanly to be believed; control characters mean the bytes are
        // garbage either way, and then UTF-8 with replacement characters is the honest answer.
        var legacy = fallback.GetString(bytes);
        return LooksClean(legacy) ? legacy : Encoding.UTF8.GetString(bytes);
    }

    private static string DecodeUnicode(ReadOnlySpan<byte> bytes, Encoding encoding)
    {
        // A byte order mark overrides the declared endianness.
        if (bytes.Length >= 2 && encoding.CodePage is 1200 or 1201)
        {
            if (bytes[0] == 0xFF && bytes[1] == 0xFE) return Encoding.Unicode.GetString(bytes[2..]);
            if (bytes[0] == 0xFE && bytes[1] == 0xFF) return Encoding.BigEndianUnicode.GetString(bytes[2..]);
        }
        return encoding.GetString(bytes);
    }

    private static string DecodeLegacy(ReadOnlySpan<byte> bytes, Encoding encoding, Encoding fallback)
    {
        var strict = Strict.GetOrAdd(encoding.CodePage, cp =>
            Encoding.GetEncoding(cp, EncoderFallback.ReplacementFallback, DecoderFallback.ExceptionFallback));
        try
        {
            return strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // The declaration is wrong. Valid UTF-8 is the most common truth; else keep the declared
            // charset with replacement characters when it is multi-byte (it is probably right with a
            // few bad bytes), or the fallback.
            if (Utf8.IsValid(bytes)) return Encoding.UTF8.GetString(bytes);
            return encoding.IsSingleByte ? fallback.GetString(bytes) : encoding.GetString(bytes);
        }
    }

    private static bool LooksClean(string text)
    {
        foreach (var c in text)
        {
            if (c is < ' ' and not ('\t' or '\r' or '\n' or '\f') || c is >= '\u007f' and <= '\u009f' || c == '\uFFFD') return false;
        }
        return true;
    }

    private static (int Valid, int Invalid) CountUtf8Sequences(ReadOnlySpan<byte> bytes)
    {
        int valid = 0, invalid = 0;
        while (!bytes.IsEmpty)
        {
            var result = Rune.DecodeFromUtf8(bytes, out var rune, out var consumed);
            if (result == System.Buffers.OperationStatus.Done)
            {
                if (rune.Value >= 0x80) valid++;
            }
            else
            {
                invalid++;
            }
            bytes = bytes[Math.Max(consumed, 1)..];
        }
        return (valid, invalid);
    }

    private static Encoding? Lookup(string name)
    {
        if (Aliases.TryGetValue(name, out var alias)) return FromCodePage((int)alias);
        var m = WindowsName().Match(name);
        if (m.Success) return FromCodePage(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        m = IsoName().Match(name);
        if (m.Success)
        {
            var iso = "iso-8859-" + m.Groups[1].Value;
            if (Aliases.TryGetValue(iso, out alias)) return FromCodePage((int)alias);
            name = iso;
        }
        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    private static Encoding? FromCodePage(int codePage)
    {
        if (codePage == 65000) return Utf7Encoding.Instance;
        if (codePage == 65001) return new UTF8Encoding(false);
        try
        {
            return Encoding.GetEncoding(codePage);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    // Quotes, comments and RFC 2231 language suffixes ("utf-8*en") are dropped.
    private static string Normalize(string charset)
    {
        var s = charset.Trim().Trim('"', '\'', ' ', '\t', ';').Trim();
        var star = s.IndexOf('*');
        if (star >= 0) s = s[..star];
        var paren = s.IndexOf('(');
        if (paren >= 0) s = s[..paren].Trim();
        return s.ToLowerInvariant();
    }

    [GeneratedRegex(@"<meta[^>]*?charset\s*=\s*[""']?\s*([A-Za-z0-9_:.\-]+)", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlMetaCharset();

    // cp1256, cp-1256, win-1251, windows1251, x-cp1250, ms-1252, ibm850, 1252.
    [GeneratedRegex(@"^(?:cp|win|windows|x-cp|ms|ibm|x-windows-|windows-)?[-_ ]?(\d{3,5})$")]
    private static partial Regex WindowsName();

    // iso8859-1, iso_8859-1:1987, iso-8859_15, 8859-5.
    [GeneratedRegex(@"^(?:iso)?[-_ ]?8859[-_ ]?(\d{1,2})(?:[-:_].*)?$")]
    private static partial Regex IsoName();
}
