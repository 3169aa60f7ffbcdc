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

    // The Latin-script languages ByWords tells apart, in the order a tie between them used to be ranked.
    private static readonly string[] WordLanguages = ["en", "de", "fr", "es", "it", "nl"];

    private static readonly string[][] CommonWords =
    [
        ["the", "and", "is", "you", "please", "my", "to", "not", "with", "thanks", "hello", "have", "it", "for", "this", "we", "can", "i"],
        ["der", "die", "das", "und", "ist", "nicht", "ich", "sie", "mit", "bitte", "danke", "ein", "eine", "mein", "hallo", "wir", "auf", "für", "es"],
        ["le", "la", "les", "et", "est", "je", "vous", "pas", "avec", "merci", "bonjour", "une", "mon", "pour", "nous", "ne", "des", "du"],
        ["el", "la", "los", "y", "es", "yo", "usted", "no", "con", "gracias", "hola", "una", "mi", "para", "por", "que", "del", "favor"],
        ["il", "lo", "gli", "e", "è", "io", "non", "con", "grazie", "ciao", "una", "mio", "per", "che", "della", "sono", "buongiorno"],
        ["de", "het", "een", "en", "is", "ik", "niet", "met", "bedankt", "dank", "hallo", "mijn", "voor", "wij", "u", "van", "alstublieft"],
    ];

    // Each common word with the languages (bits, in WordLanguages' order) it is common in: one lookup per word of the text.
    private static readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> WordBits = BuildWordBits();

    private static readonly int LongestWord = CommonWords.SelectMany(w => w).Max(w => w.Length);

    private static readonly System.Buffers.SearchValues<char> WordSeparators = System.Buffers.SearchValues.Create(" \t\r\n.,!?;:\"()'");

    /// <summary>How much of the text is looked at: the start of a mail says which language it is in.</summary>
    private const int SampleLength = 4000;

    private static Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> BuildWordBits()
    {
        var bits = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var language = 0; language < CommonWords.Length; language++)
            foreach (var word in CommonWords[language])
                bits[word] = bits.GetValueOrDefault(word) | (1 << language);
        return bits.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>
    /// The language code for replies ("fa", "ar", "ru", "uk", "el", "he", "en", "de", …).
    /// </summary>
    /// <param name="text">The customer's text (the new part of their message).</param>
    /// <param name="contentLanguageHeader">The Content-Language header, e.g. <c>fa-IR, en</c>; may be null.</param>
    /// <param name="configuredDefault">The support team's default language; may be null.</param>
    public static string Detect(string? text, string? contentLanguageHeader, string? configuredDefault)
    {
        var header = HeaderLanguage(contentLanguageHeader);
        var sample = string.IsNullOrEmpty(text) ? "" : text.Length > SampleLength ? text[..SampleLength] : text;
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

    /// <summary>
    /// <see cref="Detect(string?, string?, string?)"/> of the subject and the text as one (subject, a line break, text),
    /// without copying more of them than is looked at: a long mail's text is not copied for its language.
    /// </summary>
    public static string Detect(string? subject, string? text, string? contentLanguageHeader, string? configuredDefault) =>
        Detect(Sample(subject, text), contentLanguageHeader, configuredDefault);

    /// <summary>The start of <c>subject + "\n" + text</c> that <see cref="Detect(string?, string?, string?)"/> looks at.</summary>
    internal static string Sample(string? subject, string? text)
    {
        subject ??= "";
        text ??= "";
        var length = (int)Math.Min(SampleLength, (long)subject.Length + 1 + text.Length);
        return string.Create(length, (subject, text), static (span, parts) =>
        {
            var head = Math.Min(span.Length, parts.subject.Length);
            parts.subject.AsSpan(0, head).CopyTo(span);
            if (head == span.Length) return;
            span[head] = '\n';
            parts.text.AsSpan(0, span.Length - head - 1).CopyTo(span[(head + 1)..]);
        });
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
        Span<int> letters = stackalloc int[(int)Script.Count];
        foreach (var c in text) letters[Scripts[c]]++;
        var (latin, greek, hebrew) = (letters[(int)Script.Latin], letters[(int)Script.Greek], letters[(int)Script.Hebrew]);
        var (ukrainian, persian) = (letters[(int)Script.Ukrainian], letters[(int)Script.Persian]);
        var cyrillic = letters[(int)Script.Cyrillic] + ukrainian;
        var arabic = letters[(int)Script.Arabic] + persian;
        var best = new[] { (arabic, "ar"), (cyrillic, "ru"), (greek, "el"), (hebrew, "he") }.MaxBy(x => x.Item1);
        if (best.Item1 == 0 || best.Item1 < latin) return null;
        return best.Item2 switch
        {
            "ar" => persian > 0 ? "fa" : "ar",
            "ru" => ukrainian > 0 ? "uk" : "ru",
            var s => s,
        };
    }

    private enum Script : byte { None, Latin, Greek, Cyrillic, Ukrainian, Hebrew, Arabic, Persian, Count }

    // What ByScript counts each UTF-16 unit as: one lookup per character instead of a Unicode category lookup for
    // char.IsLetter (a Persian or Russian mail is all outside ASCII; ~1/3 of the language's time in a profile).
    private static readonly byte[] Scripts = BuildScripts();

    private static byte[] BuildScripts()
    {
        var scripts = new byte[char.MaxValue + 1];
        for (var i = 0; i <= char.MaxValue; i++)
        {
            var c = (char)i;
            if (!char.IsLetter(c)) continue;
            scripts[i] = (byte)(c < 0x250 ? Script.Latin
                : c is >= '\u0370' and <= '\u03FF' or >= '\u1F00' and <= '\u1FFF' ? Script.Greek
                : c is >= '\u0400' and <= '\u04FF' ? "іїєґІЇЄҐ".Contains(c) ? Script.Ukrainian : Script.Cyrillic
                : c is >= '\u0590' and <= '\u05FF' ? Script.Hebrew
                : c is >= '\u0600' and <= '\u06FF' or >= '\uFB50' and <= '\uFEFF' ? PersianLetters.Contains(c) ? Script.Persian : Script.Arabic
                : Script.None);
        }
        return scripts;
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
        Span<int> scores = stackalloc int[WordLanguages.Length];
        Span<char> lower = stackalloc char[LongestWord];
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOfAny(WordSeparators);
            var word = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[(end + 1)..];
            // Invariant lower case keeps the length: a longer word is none of the common ones.
            if (word.IsEmpty || word.Length > LongestWord) continue;
            var length = word.ToLowerInvariant(lower);
            if (!WordBits.TryGetValue(lower[..length], out var bits)) continue;
            for (var language = 0; language < scores.Length; language++)
                if ((bits & (1 << language)) != 0) scores[language]++;
        }
        // Two hits and ahead of every other language: short or mixed text stays undecided.
        var best = 0;
        for (var language = 1; language < scores.Length; language++)
            if (scores[language] > scores[best]) best = language;
        for (var language = 0; language < scores.Length; language++)
            if (language != best && scores[language] == scores[best]) return null;
        return scores[best] >= 2 ? WordLanguages[best] : null;
    }
}
