using TicketWorker.Replies;

namespace TicketWorker.Tests.Replies;

public class LanguageDetectorTests
{
    [TestCase("سلام، چاپگر من کار نمی‌کند. لطفاً کمک کنید.", "fa")]
    [TestCase("مرحبا، الطابعة لا تعمل. أرجو المساعدة.", "ar")]
    [TestCase("Здравствуйте, мой принтер не печатает.", "ru")]
    [TestCase("Добрий день, мій принтер не друкує. Дякую.", "uk")]
    [TestCase("Γεια σας, ο εκτυπωτής μου δεν τυπώνει.", "el")]
    [TestCase("Hello, my printer does not work. Can you please help?", "en")]
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
}
