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

    private static readonly Regex PrefixRegex = BuildPrefixRegex();

    /// <summary>Normalizes a subject; <paramref name="subjectTagPattern"/> removes our own ticket tag (e.g. <c>\[#\d+\]</c>).</summary>
    public static string Normalize(string? subject, Regex? subjectTagPattern = null)
    {
        if (string.IsNullOrWhiteSpace(subject)) return "";
        var s = Fold(subject);
        if (subjectTagPattern is not null) s = subjectTagPattern.Replace(s, " ");
        // Strip prefixes and leading [list] tags repeatedly: "Re: [team] AW: Fwd: x".
        while (true)
        {
            var trimmed = s.TrimStart();
            var m = PrefixRegex.Match(trimmed);
            if (m.Success && m.Length < trimmed.Length) { s = trimmed[m.Length..]; continue; }
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
        !string.IsNullOrEmpty(subject) && PrefixRegex.IsMatch(Fold(subject).TrimStart());

    // Full-width colons, brackets and letters become ASCII (NFKC); bidi marks that Persian, Arabic
    // and Hebrew clients put around a prefix are invisible and would stop the prefix from matching.
    private static string Fold(string subject) => BidiMarks().Replace(subject.Normalize(NormalizationForm.FormKC), "");

    private static Regex BuildPrefixRegex()
    {
        var alternatives = string.Join("|", Prefixes.Distinct()
            .OrderByDescending(p => p.Length)
            .Select(Regex.Escape));
        // RFC 5322 §3.6.5 "Re: "; counters "Re[2]:", "Re(2):", "Re^2:", "Re 2:" (a bare counter has at most two digits so "TR 2024:" stays); "Réf.:"; spaces before the colon.
        // Linear time whatever the subject (NonBacktracking), so no wall-clock timeout: under heavy load a
        // 200 ms timeout expired on ordinary subjects and failed whole intake batches.
        return new Regex(
            $@"^(?:{alternatives})\.?\s*(?:\[\d+\]|\(\d+\)|\^\d+|\d{{1,2}})?\s*[:：]\s*",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
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
