namespace TicketWorker.Replies;

/// <summary>
/// Picks the language of a ticket from the customer's text (script, then common words for Latin
/// script) and the Content-Language header (RFC 3282), else the configured default, else English.
/// </summary>
public static class LanguageDetector
{
    // Letters only Persian writes among the Arabic-script languages we tell apart (پ چ ژ گ, and
    // Persian yeh/keheh instead of Arabic ي/ك).
    private const string PersianLetters = "پچژگیک";

    private static readonly Dictionary<string, HashSet<string>> CommonWords = new()
    {
        ["en"] = ["the", "and", "is", "you", "please", "my", "to", "not", "with", "thanks", "hello", "have", "it", "for", "this", "we", "can", "i"],
        ["de"] = ["der", "die", "das", "und", "ist", "nicht", "ich", "sie", "mit", "bitte", "danke", "ein", "eine", "mein", "hallo", "wir", "auf", "für", "es"],
        ["fr"] = ["le", "la", "les", "et", "est", "je", "vous", "pas", "avec", "merci", "bonjour", "une", "mon", "pour", "nous", "ne", "des", "du"],
        ["es"] = ["el", "la", "los", "y", "es", "yo", "usted", "no", "con", "gracias", "hola", "una", "mi", "para", "por", "que", "del", "favor"],
        ["it"] = ["il", "lo", "gli", "e", "è", "io", "non", "con", "grazie", "ciao", "una", "mio", "per", "che", "della", "sono", "buongiorno"],
        ["nl"] = ["de", "het", "een", "en", "is", "ik", "niet", "met", "bedankt", "dank", "hallo", "mijn", "voor", "wij", "u", "van", "alstublieft"],
    };

    /// <summary>
    /// The language code for replies ("fa", "ar", "ru", "uk", "el", "he", "en", "de", …).
    /// </summary>
    /// <param name="text">The customer's text (the new part of their message).</param>
    /// <param name="contentLanguageHeader">The Content-Language header, e.g. <c>fa-IR, en</c>; may be null.</param>
    /// <param name="configuredDefault">The support team's default language; may be null.</param>
    public static string Detect(string? text, string? contentLanguageHeader, string? configuredDefault)
    {
        var header = HeaderLanguage(contentLanguageHeader);
        var sample = string.IsNullOrEmpty(text) ? "" : text.Length > 4000 ? text[..4000] : text;
        var script = ByScript(sample);
        if (script is not null)
        {
            // The header can be more precise within a script (uk or bg in Cyrillic), never contradict it.
            if (header is not null && SameScript(header, script)) return header;
            return script;
        }
        var words = ByWords(sample);
        if (words is not null) return words;
        if (header is not null) return header;
        return TemplateRenderer.Normalize(configuredDefault) is { } d && TemplateRenderer.IsKnownLanguage(d) ? d : "en";
    }

    /// <summary>The first language of a Content-Language header, primary subtag only.</summary>
    internal static string? HeaderLanguage(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        foreach (var tag in header.Split(','))
            if (TemplateRenderer.Normalize(tag) is { } code && TemplateRenderer.IsKnownLanguage(code)) return code;
        return null;
    }

    /// <summary>The language of a non-Latin script when its letters outnumber Latin ones; null for Latin text.</summary>
    private static string? ByScript(string text)
    {
        int latin = 0, arabic = 0, persian = 0, cyrillic = 0, ukrainian = 0, greek = 0, hebrew = 0;
        foreach (var c in text)
        {
            if (!char.IsLetter(c)) continue;
            if (c < 0x250) latin++;
            else if (c is >= '\u0370' and <= '\u03FF' or >= '\u1F00' and <= '\u1FFF') greek++;
            else if (c is >= '\u0400' and <= '\u04FF')
            {
                cyrillic++;
                if ("іїєґІЇЄҐ".Contains(c)) ukrainian++;
            }
            else if (c is >= '\u0590' and <= '\u05FF') hebrew++;
            else if (c is >= '\u0600' and <= '\u06FF' or >= '\uFB50' and <= '\uFEFF')
            {
                arabic++;
                if (PersianLetters.Contains(c)) persian++;
            }
        }
        var best = new[] { (arabic, "ar"), (cyrillic, "ru"), (greek, "el"), (hebrew, "he") }.MaxBy(x => x.Item1);
        if (best.Item1 == 0 || best.Item1 < latin) return null;
        return best.Item2 switch
        {
            "ar" => persian > 0 ? "fa" : "ar",
            "ru" => ukrainian > 0 ? "uk" : "ru",
            var s => s,
        };
    }

    private static bool SameScript(string header, string script) => script switch
    {
        "ru" or "uk" => header is "ru" or "uk" or "be" or "bg" or "sr" or "mk" or "kk",
        "fa" => header is "fa",
        "ar" => header is "ar" or "ur" or "ps" or "fa",
        _ => header == script,
    };

    /// <summary>The Latin-script language whose common words occur most; null when unclear.</summary>
    private static string? ByWords(string text)
    {
        var scores = CommonWords.Keys.ToDictionary(k => k, _ => 0);
        foreach (var word in text.ToLowerInvariant().Split((char[])[' ', '\t', '\r', '\n', '.', ',', '!', '?', ';', ':', '"', '(', ')', '\''], StringSplitOptions.RemoveEmptyEntries))
            foreach (var (language, set) in CommonWords)
                if (set.Contains(word)) scores[language]++;
        var ranked = scores.OrderByDescending(s => s.Value).ToList();
        // Two hits and ahead of the runner-up: short or mixed text stays undecided.
        return ranked[0].Value >= 2 && ranked[0].Value > ranked[1].Value ? ranked[0].Key : null;
    }
}
