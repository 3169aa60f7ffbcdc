using TicketWorker.Replies;

namespace TicketWorker.Tests.Replies;

public class LanguageDetectorTests
{
    [TestCase("سلام، چاپگر من کار نمی‌کند. لطفاً کمک کنید.", "fa")]
    [TestCase("مرحبا، الطابعة لا تعمل. أرجو المساعدة.", "ar")]
    [TestCase("Здравствуйте, мой принтер не печатает.", "ru")]
    [TestCase("Добрий день, мій принтер не друкує. Дякую.", "uk")]
    [TestCase("Γεια σας, ο εκτυπωτής μου δεν τυπώνει.", "el")]
    [TestCase("שלום, המדפסת שלי לא עובדת. תודה.", "he")]
    [TestCase("Hello, my printer does not work. Can you please help?", "en")]
    [TestCase("؟؟ ١٢٣٤٥٦٧٨٩٠ ۱۲۳۴۵۶۷۸۹ ، Hello, my printer does not work. Can you please help?", "en")]
    [TestCase("Hallo, mein Drucker funktioniert nicht. Bitte helfen Sie mir, danke.", "de")]
    [TestCase("Bonjour, mon imprimante ne marche pas. Merci pour votre aide.", "fr")]
    [TestCase("Hola, mi impresora no funciona. Gracias por la ayuda.", "es")]
    public void DetectsTheLanguageFromTheText(string text, string expected) =>
        Assert.That(LanguageDetector.Detect(text, null, null), Is.EqualTo(expected));

    [Test]
    public void PersianLettersTellPersianFromArabic()
    {
        // Persian keheh (U+06A9) and yeh (U+06CC) versus Arabic kaf (U+0643) and yeh (U+064A).
        Assert.That(LanguageDetector.Detect("\u06A9\u062A\u0627\u0628", null, null), Is.EqualTo("fa"));
        Assert.That(LanguageDetector.Detect("\u0643\u062A\u0627\u0628", null, null), Is.EqualTo("ar"));
    }

    [Test]
    public void ContentLanguageDecidesWhenTheTextDoesNot() =>
        Assert.That(LanguageDetector.Detect("OK 123", "de-DE, en", "fr"), Is.EqualTo("de"));

    [Test]
    public void ContentLanguageRefinesTheScript() =>
        Assert.That(LanguageDetector.Detect("Здравствуйте, принтер не работает", "bg", null), Is.EqualTo("bg"));

    [Test]
    public void TextWinsOverAContradictingContentLanguage() =>
        Assert.That(LanguageDetector.Detect("Γεια σας, ο εκτυπωτής μου δεν τυπώνει.", "en-US", null), Is.EqualTo("el"));

    [Test]
    public void ConfiguredDefaultIsUsedWithoutEvidence() =>
        Assert.That(LanguageDetector.Detect("12345", null, "fa"), Is.EqualTo("fa"));

    [Test]
    public void EnglishIsTheLastResort()
    {
        Assert.That(LanguageDetector.Detect(null, "not a language!", null), Is.EqualTo("en"));
        Assert.That(LanguageDetector.Detect("", null, "zz"), Is.EqualTo("en"));
    }

    [TestCase(0, 10)]
    [TestCase(20, 3978)]
    [TestCase(20, 3979)]
    [TestCase(20, 3980)]
    [TestCase(20, 100_000)]
    [TestCase(3999, 5)]
    [TestCase(4000, 5)]
    [TestCase(5000, 0)]
    public void TheSubjectAndTheTextAreLookedAtAsOneStartWithoutCopyingTheRest(int subjectLength, int textLength)
    {
        var subject = new string('s', subjectLength);
        var text = string.Concat(Enumerable.Repeat("текст ", textLength / 6 + 1))[..textLength];
        var whole = subject + "\n" + text;
        Assert.That(LanguageDetector.Sample(subject, text), Is.EqualTo(whole[..Math.Min(whole.Length, 4000)]));
        Assert.That(LanguageDetector.Sample(null, null), Is.EqualTo("\n"));
    }

    // The rule for Latin-script text as it was first written: lower case, split at spaces and punctuation, one point per
    // common word for each language it is common in, and only a leader with two points or more, ahead of the rest, counts.
    private static readonly (string Language, string[] Words)[] Spec =
    [
        ("en", ["the", "and", "is", "you", "please", "my", "to", "not", "with", "thanks", "hello", "have", "it", "for", "this", "we", "can", "i"]),
        ("de", ["der", "die", "das", "und", "ist", "nicht", "ich", "sie", "mit", "bitte", "danke", "ein", "eine", "mein", "hallo", "wir", "auf", "für", "es"]),
        ("fr", ["le", "la", "les", "et", "est", "je", "vous", "pas", "avec", "merci", "bonjour", "une", "mon", "pour", "nous", "ne", "des", "du"]),
        ("es", ["el", "la", "los", "y", "es", "yo", "usted", "no", "con", "gracias", "hola", "una", "mi", "para", "por", "que", "del", "favor"]),
        ("it", ["il", "lo", "gli", "e", "è", "io", "non", "con", "grazie", "ciao", "una", "mio", "per", "che", "della", "sono", "buongiorno"]),
        ("nl", ["de", "het", "een", "en", "is", "ik", "niet", "met", "bedankt", "dank", "hallo", "mijn", "voor", "wij", "u", "van", "alstublieft"]),
    ];

    private static string SpecLanguage(string text)
    {
        var words = text.ToLowerInvariant().Split([' ', '\t', '\r', '\n', '.', ',', '!', '?', ';', ':', '"', '(', ')', '\''], StringSplitOptions.RemoveEmptyEntries);
        var ranked = Spec.Select(s => (s.Language, Score: words.Count(w => s.Words.Contains(w)))).OrderByDescending(s => s.Score).ToList();
        return ranked[0].Score >= 2 && ranked[0].Score > ranked[1].Score ? ranked[0].Language : "en";
    }

    [Test]
    public void LatinTextIsJudgedByItsCommonWordsAsTheRuleSays()
    {
        // Seeded mixes of common words of every language (in any case, one in Kelvin's K), other words and punctuation:
        // ties, single hits and clear leaders, each compared with the rule written out plainly above.
        var random = new Random(4711);
        string[] other = ["printer", "Drucker", "KAPUTT", "imprimante", "1234", "x", "alstublieftje", "\u212Aan"];
        string[] separators = [" ", "  ", ", ", ".\n", "!", "?\r\n", "; ", ": ", "\"", "(", ")", "'", "\t"];
        var pool = Spec.SelectMany(s => s.Words).Concat(other).ToArray();
        var decided = 0;
        for (var i = 0; i < 2000; i++)
        {
            var sb = new System.Text.StringBuilder();
            for (var w = random.Next(0, 12); w > 0; w--)
            {
                var word = pool[random.Next(pool.Length)];
                sb.Append(random.Next(3) switch { 0 => word.ToUpperInvariant(), 1 => word, _ => char.ToUpperInvariant(word[0]) + word[1..] });
                sb.Append(separators[random.Next(separators.Length)]);
            }
            var text = sb.ToString();
            var expected = SpecLanguage(text);
            if (expected != "en") decided++;
            Assert.That(LanguageDetector.Detect(text, null, "en"), Is.EqualTo(expected), text);
        }
        Assert.That(decided, Is.GreaterThan(200), "the mixes must decide for other languages too, not only fall back");
    }
}
