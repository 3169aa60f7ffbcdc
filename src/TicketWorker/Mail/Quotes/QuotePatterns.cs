using System.Text.RegularExpressions;

namespace TicketWorker.Mail.Quotes;

/// <summary>
/// The line patterns of quoted text, in the languages we answer in (en, fa, ru, el) and the common
/// European ones (de, fr, es, it, nl, pt). Every pattern has a timeout and a timeout counts as "no
/// match": a hostile line may cost us a quote left in, never a stuck worker.
/// </summary>
internal static partial class QuotePatterns
{
    private const int TimeoutMs = 100;

    // Attribution lines look at most this far; longer lines are prose.
    public const int MaxAttributionLength = 400;

    /// <summary>Stands for a quote the HTML stage removed, so that the text stage keeps the break it made.</summary>
    public const string Marker = "\uE000";

    /// <summary>Stands for an empty HTML line (<c>&lt;div&gt;&lt;br&gt;&lt;/div&gt;</c>), which the HTML-to-text conversion would lose.</summary>
    public const string BlankLine = "\uE001";

    public static bool IsMatch(Regex regex, ReadOnlySpan<char> line)
    {
        try
        {
            return regex.IsMatch(line);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>The line without the bidi marks that RTL clients put around it, trimmed.</summary>
    public static ReadOnlySpan<char> Probe(ReadOnlySpan<char> line) =>
        line.ContainsAny(BidiMarkChars) ? BidiMarks().Replace(line.ToString(), "").AsSpan().Trim() : line.Trim();

    // The characters of BidiMarks(): most lines have none, and a search for them is far cheaper than the regex.
    private static readonly System.Buffers.SearchValues<char> BidiMarkChars =
        System.Buffers.SearchValues.Create("\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\uFEFF");

    /// <summary>
    /// Whether a probed line can end an attribution: <see cref="Attribution"/> ends on ":" and
    /// <see cref="LooseAttribution"/> on ":" or "：" (a probe is trimmed), so no other line needs the regexes.
    /// </summary>
    public static bool MayEndAttribution(ReadOnlySpan<char> probe, bool loose) =>
        probe.Length > 0 && (probe[^1] == ':' || (loose && probe[^1] == '：'));

    /// <summary>
    /// Whether a probed line can be <see cref="OriginalMessage"/>: its separators start with "--" and its
    /// "Begin forwarded message:" forms end on ":" (a probe is trimmed), so no other line needs the regex.
    /// </summary>
    public static bool MayBeOriginalMessage(ReadOnlySpan<char> probe) =>
        probe.StartsWith("--", StringComparison.Ordinal) || (probe.Length > 0 && probe[^1] == ':');

    /// <summary>Whether the line has a colon (ASCII or fullwidth): <see cref="HeaderFrom"/> and <see cref="HeaderSent"/> cannot match without one.</summary>
    public static bool HasColon(ReadOnlySpan<char> line) => line.IndexOfAny(':', '：') >= 0;

    /// <summary>
    /// A date, time or address: what an attribution names and prose rarely does. A decimal digit in
    /// any script (what the regex class \d is) or "@".
    /// </summary>
    public static bool HasDigitOrAt(ReadOnlySpan<char> probe) => probe.ContainsAny(DigitsOrAt);

    // Every UTF-16 unit char.IsDigit calls a decimal digit, and "@": a search instead of a Unicode category lookup per
    // character (a line of Persian or Chinese prose is all outside ASCII).
    private static readonly System.Buffers.SearchValues<char> DigitsOrAt = System.Buffers.SearchValues.Create(BuildDigitsOrAt());

    private static string BuildDigitsOrAt()
    {
        var chars = new System.Text.StringBuilder("@");
        for (var c = char.MinValue; c < char.MaxValue; c++)
            if (char.IsDigit(c)) chars.Append(c);
        return chars.ToString();
    }

    // "On … wrote:" as Gmail, Apple Mail, Thunderbird, mutt and mobile clients write it. The verb
    // ends the line; German and Dutch put the name after it ("Am … schrieb Jane <j@x>:").
    [GeneratedRegex("""
        ^(?:
            On\s.{4,300}\swrote\s*:
          | Am\s.{4,300}\sschrieb(?:\s.{0,200})?\s*:
          | Le\s.{4,300}\sa\s+écrit\s*:
          | El\s.{4,300}\sescribió\s*:
          | Il\s.{4,300}\sha\s+scritto\s*:
          | Op\s.{4,300}\sschreef(?:\s.{0,200})?\s*:
          | Em\s.{4,300}\sescreveu\s*:
          | .{4,300}\s(?:пишет|написал\(а\)|написала|написал)\s*:
          | .{4,300}\sنوشت\s*:
          | .{4,300}\sέγραψε\s*:
        )$
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant, TimeoutMs)]
    public static partial Regex Attribution();

    // Clients without a verb (Gmail in Russian: "вт, 1 дек. 2026 г. в 10:15, Jane <j@x>:") are
    // recognised only directly above a quote, by a time, a year or an address before the colon.
    [GeneratedRegex(@"(?:\d{1,2}[:.]\d{2}|\b(?:19|20)\d{2}\b|@).*[:：]$", RegexOptions.CultureInvariant, TimeoutMs)]
    public static partial Regex LooseAttribution();

    // Outlook's header block, localised: the "From:" label, then within a few lines "Sent:" or "Date:".
    [GeneratedRegex("""
        ^\*?(?:From|Von|De|Van|Da|Od|Från|Fra|Lähettäjä|Kimden|От|Από|از|فرستنده)\*?\s*\*?[:：]
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeoutMs)]
    public static partial Regex HeaderFrom();

    [GeneratedRegex("""
        ^\*?(?:Sent|Date|Gesendet|Datum|Envoyé|Enviado(?:\s+el)?|Fecha|Verzonden|Inviato|Data|Enviada|Skickat|Sendt|Lähetetty|Wysłano|Tarih|Отправлено|Дата|Στάλθηκε|Ημερομηνία|ارسال\s*شده|ارسال‌شده|تاریخ(?:\s+ارسال)?)\*?\s*\*?[:：]
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeoutMs)]
    public static partial Regex HeaderSent();

    // The underscore line Outlook (desktop plain text, web) puts above its header block.
    [GeneratedRegex(@"^_{10,}$", RegexOptions.CultureInvariant, TimeoutMs)]
    public static partial Regex UnderscoreLine();

    // "-----Original Message-----" and the forwarded-message separators, localised.
    [GeneratedRegex("""
        ^(?:
            -{2,}\s*(?:Original\s+Message|Ursprüngliche\s+Nachricht|Message\s+d'origine|Mensaje\s+original|Messaggio\s+originale|Oorspronkelijk\s+bericht|Mensagem\s+original|Исходное\s+сообщение|Αρχικό\s+μήνυμα|پیام\s+اصلی)\s*-{2,}
          | -{2,}\s*(?:Forwarded\s+message|Weitergeleitete\s+Nachricht|Message\s+transféré|Mensaje\s+reenviado|Messaggio\s+inoltrato|Doorgestuurd\s+bericht|Пересылаемое\s+сообщение|Προωθημένο\s+μήνυμα|پیام\s+(?:هدایت|ارسال|بازارسال)\s*‌?\s*شده)\s*-{2,}
          | Begin\s+forwarded\s+message\s*:
          | Anfang\s+der\s+weitergeleiteten\s+Nachricht\s*:
          | Début\s+du\s+message\s+(?:réexpédié|transféré)\s*:
          | Inicio\s+del\s+mensaje\s+reenviado\s*:
        )$
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant, TimeoutMs)]
    public static partial Regex OriginalMessage();

    // RFC 3676 §4.3: the signature separator is "-- " alone on a line; many clients and editors
    // drop the trailing space, so "--" alone counts too.
    [GeneratedRegex(@"^--\s?$", RegexOptions.CultureInvariant, TimeoutMs)]
    public static partial Regex SignatureDelimiter();

    /// <summary>
    /// Whether a probed line is a mobile or app footer (<see cref="MobileFooter"/>). Only a line that starts with one of
    /// the footers' first words is matched against the pattern: its generated matcher is the costliest method the JIT
    /// compiles at intake (~100 ms at tier 1, bench ingest-run --jit-stats), and most last lines are not footers.
    /// </summary>
    public static bool IsMobileFooter(ReadOnlySpan<char> probe)
    {
        foreach (var start in MobileFooterStarts)
            if (probe.StartsWith(start, StringComparison.OrdinalIgnoreCase)) return IsMatch(MobileFooter(), probe);
        return false;
    }

    // The first word of each alternative of MobileFooter (its "^(?:" group), in the same order.
    private static readonly string[] MobileFooterStarts =
    [
        "Sent", "Get", "Von", "Gesendet", "Holen", "Envoyé", "Obtenir", "Enviado", "Obtener", "Inviato", "Verzonden", "Отправлено",
        "Получить", "Скачайте", "Загрузите", "Скачать", "Αποστολή", "Λήψη", "ارسال", "فرستاده", "دریافت",
    ];

    // Mobile and app footers, localised; only ever removed from the end of the new text. Ask IsMobileFooter.
    [GeneratedRegex("""
        ^(?:
            Sent\s+(?:from|with|via)\s.{1,60}
          | Get\s+Outlook\s+for\s+(?:iOS|Android).{0,80}
          | Von\s+meinem\s.{1,40}\sgesendet\.?
          | Gesendet\s+(?:von|mit|vom)\s.{1,60}
          | Holen\s+Sie\s+sich\s+Outlook\s+für\s+(?:iOS|Android).{0,80}
          | Envoyé\s+(?:de|depuis|à\s+partir\s+de)\s.{1,60}
          | Obtenir\s+Outlook\s+pour\s+(?:iOS|Android).{0,80}
          | Enviado\s+(?:desde|de)\s.{1,60}
          | Obtener\s+Outlook\s+para\s+(?:iOS|Android).{0,80}
          | Inviato\s+da\s.{1,60}
          | Verzonden\s+(?:vanaf|met|van)\s.{1,60}
          | Отправлено\s+(?:с|из|со)\s.{1,60}
          | (?:Получить|Скачайте|Загрузите|Скачать)\s+Outlook\s+для\s+(?:iOS|Android).{0,80}
          | Αποστολή\s+από\s.{1,60}
          | Λήψη\s+του\s+Outlook\s+για\s+(?:iOS|Android).{0,80}
          | (?:ارسال\s*‌?\s*شده|فرستاده\s*‌?\s*شده)\s+(?:از|با)\s.{1,60}
          | دریافت\s+Outlook\s+برای\s+(?:iOS|Android).{0,80}
        )$
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant, TimeoutMs)]
    internal static partial Regex MobileFooter();

    [GeneratedRegex(@"[\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex BidiMarks();
}
