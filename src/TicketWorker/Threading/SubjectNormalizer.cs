using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TicketWorker.Threading;

/// <summary>
/// Reduces a subject to what stays the same across a conversation: reply and forward prefixes in
/// many languages, counters like <c>Re[2]:</c>, our own subject tag and list tags removed; case and
/// whitespace folded. Two mails with equal normalized subjects are "the same subject" for the
/// sender-and-subject fallback of threading.
/// </summary>
public static partial class SubjectNormalizer
{
    // Reply and forward prefixes seen in the wild, by language. Matching is case-insensitive and the
    // prefix must be followed by a colon (ASCII or full-width), optionally after a counter.
    private static readonly string[] Prefixes =
    [
        // English
        "re", "fw", "fwd", "forward",
        // German
        "aw", "antw", "antwort", "wg", "wtrlt",
        // Nordic: Danish/Norwegian/Swedish, Finnish, Icelandic
        "sv", "vs", "vb", "vl", "fs", "vidarebefordrat", "vidarebefordra", "svar", "vast", "vá", "framsent", "ps",
        // Dutch
        "antw", "doorst", "doorgestuurd",
        // French
        "tr", "réf", "ref", "rép", "rep",
        // Spanish, Portuguese, Italian
        "rv", "reenviar", "enc", "res", "r", "rif", "i", "inoltro",
        // Polish, Czech, Turkish, Hungarian
        "odp", "pd", "přeposláno", "ynt", "ilt", "i̇lt", "İlt", "tov",
        // Welsh, Bulgarian
        "atb", "yml", "на", "отг",
        // Russian, Ukrainian
        "ответ", "отв", "от", "пересл", "пересылка", "фв", "вд",
        // Greek
        "απ", "σχετ", "πρθ", "προώθηση",
        // Persian, Arabic, Hebrew
        "پاسخ", "جواب", "رد", "ارسال", "ارسال مجدد", "هدایت", "باز ارسال", "إعادة توجيه", "توجيه", "השב", "הועבר", "תשובה",
        // Chinese, Japanese, Korean
        "回复", "回覆", "答复", "答覆", "转发", "轉發", "轉寄", "返信", "転送", "답장", "전달", "회신",
    ];

    /// <summary>The reply and forward prefixes recognized, as listed.</summary>
    internal static IReadOnlyList<string> KnownPrefixes => Prefixes;

    // Longest first: "res" before "re" before "r", as the regex this replaced tried its alternatives.
    private static readonly string[] OrderedPrefixes = [.. Prefixes.Distinct().OrderByDescending(p => p.Length)];

    /// <summary>Normalizes a subject; <paramref name="subjectTag"/> removes our own ticket tag (e.g. <c>[#42]</c>).</summary>
    public static string Normalize(string? subject, SubjectTag? subjectTag = null)
    {
        if (string.IsNullOrWhiteSpace(subject)) return "";
        var s = Fold(subject);
        if (subjectTag is not null) s = subjectTag.Remove(s);
        // Strip prefixes and leading [list] tags repeatedly: "Re: [team] AW: Fwd: x".
        while (true)
        {
            var trimmed = s.TrimStart();
            var prefix = PrefixLength(trimmed);
            if (prefix > 0 && prefix < trimmed.Length) { s = trimmed[prefix..]; continue; }
            var list = LeadingBracketTag().Match(trimmed);
            if (list.Success && list.Length < trimmed.Length) { s = trimmed[list.Length..]; continue; }
            s = trimmed;
            break;
        }
        s = TrailingForwardMarker().Replace(s, "");
        s = Whitespace().Replace(s, " ").Trim();
        return s.ToLower(CultureInfo.InvariantCulture);
    }

    /// <summary>True when the subject starts with a reply or forward prefix.</summary>
    public static bool HasReplyPrefix(string? subject) =>
        !string.IsNullOrEmpty(subject) && PrefixLength(Fold(subject).TrimStart()) > 0;

    // Full-width colons, brackets and letters become ASCII (NFKC); bidi marks that Persian, Arabic
    // and Hebrew clients put around a prefix are invisible and would stop the prefix from matching.
    private static string Fold(string subject) => BidiMarks().Replace(subject.Normalize(NormalizationForm.FormKC), "");

    /// <summary>
    /// The length of the reply or forward prefix <paramref name="s"/> starts with, 0 when none: a prefix (any case), an
    /// optional dot, a counter or not (<c>Re[2]:</c>, <c>Re(2):</c>, <c>Re^2:</c>, <c>Re 2:</c>; a bare counter has at most
    /// two digits, so "TR 2024:" stays), a colon (ASCII or full-width), and the white space around (RFC 5322 §3.6.5 "Re: ").
    /// </summary>
    /// <remarks>
    /// It matches what <c>^(?:prefixes)\.?\s*(?:\[\d+\]|\(\d+\)|\^\d+|\d{1,2})?\s*[:：]\s*</c> matches (case-insensitive,
    /// culture-invariant), by hand: linear in the subject, so no timeout (under heavy load a 200 ms regex timeout
    /// expired on ordinary subjects and failed whole intake batches), and without the linear-time regex engine's cost
    /// of building its automaton (~14 MB of large arrays and ~0.1 s at a worker's first mails; docs/performance.md).
    /// </remarks>
    internal static int PrefixLength(ReadOnlySpan<char> s)
    {
        foreach (var prefix in OrderedPrefixes)
        {
            if (!s.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
            var i = prefix.Length;
            if (i < s.Length && s[i] == '.') i++;
            i = SkipSpace(s, i);
            // A counter when one is there and a colon follows it; else the colon right away.
            if (Counter(s, i) is var counted and > 0 && Colon(s, SkipSpace(s, counted)) is var afterCounter and > 0) return afterCounter;
            if (i < s.Length && char.IsDigit(s[i]) && Colon(s, SkipSpace(s, i + 1)) is var afterOneDigit and > 0) return afterOneDigit;
            if (Colon(s, i) is var end and > 0) return end;
        }
        return 0;
    }

    // The end of a counter at i ("[2]", "(2)", "^2", or two digits), 0 when there is none.
    private static int Counter(ReadOnlySpan<char> s, int i)
    {
        if (i >= s.Length) return 0;
        var close = s[i] switch { '[' => ']', '(' => ')', '^' => '\0', _ => (char?)null };
        if (close is null) return i + 1 < s.Length && char.IsDigit(s[i]) && char.IsDigit(s[i + 1]) ? i + 2 : 0;
        var j = i + 1;
        while (j < s.Length && char.IsDigit(s[j])) j++;
        if (j == i + 1) return 0;
        if (close == '\0') return j;
        return j < s.Length && s[j] == close ? j + 1 : 0;
    }

    // After a colon at i (ASCII or full-width) and the white space after it; 0 when there is no colon.
    private static int Colon(ReadOnlySpan<char> s, int i) => i < s.Length && s[i] is ':' or '：' ? SkipSpace(s, i + 1) : 0;

    private static int SkipSpace(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        return i;
    }

    [GeneratedRegex(@"^\[[^\]\[#]{1,40}\]\s*", RegexOptions.CultureInvariant)]
    private static partial Regex LeadingBracketTag();

    [GeneratedRegex(@"\s*\((?:fwd|fw)\)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TrailingForwardMarker();

    [GeneratedRegex(@"[\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]")]
    private static partial Regex BidiMarks();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
