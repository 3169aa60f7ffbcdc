using System.Text.RegularExpressions;
using TicketWorker.Mail.Quotes;

namespace TicketWorker.Tests.Mail.Quotes;

/// <summary>The cheap checks that spare the regexes most lines must answer exactly as the regexes would.</summary>
public class QuotePatternsTests
{
    private static readonly string[] Lines =
    [
        "", "plain prose without numbers", "call me at 0151 123", "jane@example.test", "سفارش ۱۲۳ هنوز نرسیده",
        "٣ أيام", "ｐａｇｅ ５", "Ⅻ is a roman numeral, not a decimal digit", "²³ superscripts", "\u200Fسلام\u200F",
        " \u200E On Tue, 1 Dec 2026, Jane <j@x> wrote: \u200E ", "вт, 1 дек. 2026 г. в 10:15, Jane <j@x>：", "\uFEFF-- ",
    ];

    [Test]
    public void HasDigitOrAtAgreesWithTheDigitClassOfTheRegexEngine()
    {
        var regex = new Regex(@"\d|@", RegexOptions.CultureInvariant);
        foreach (var line in Lines)
            Assert.That(QuotePatterns.HasDigitOrAt(line), Is.EqualTo(regex.IsMatch(line)), line);
    }

    [Test]
    public void HasDigitOrAtAgreesWithCharIsDigitOnEveryCharacter()
    {
        // Each UTF-16 unit alone and inside prose (Persian and Chinese words around it).
        for (var c = char.MinValue; ; c++)
        {
            var expected = c == '@' || char.IsDigit(c);
            Assert.That(QuotePatterns.HasDigitOrAt([c]), Is.EqualTo(expected), $"U+{(int)c:X4}");
            Assert.That(QuotePatterns.HasDigitOrAt("سفارش هنوز " + c + " 订单还没有到"), Is.EqualTo(expected), $"U+{(int)c:X4} in prose");
            if (c == char.MaxValue) break;
        }
    }

    [Test]
    public void ProbeRemovesBidiMarksAndTrimsAsTheRegexDid()
    {
        var marks = new Regex(@"[\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]", RegexOptions.CultureInvariant);
        foreach (var line in Lines.Append("\u202Bx\u202C\u2066y\u2069"))
            Assert.That(QuotePatterns.Probe(line).ToString(), Is.EqualTo(marks.Replace(line, "").Trim()), line);
    }

    [Test]
    public void OnlyALineEndingInAColonCanEndAnAttribution()
    {
        foreach (var line in Lines.Select(l => QuotePatterns.Probe(l).ToString()))
        {
            if (QuotePatterns.IsMatch(QuotePatterns.Attribution(), line))
                Assert.That(QuotePatterns.MayEndAttribution(line, loose: false), Is.True, line);
            if (QuotePatterns.IsMatch(QuotePatterns.LooseAttribution(), line))
                Assert.That(QuotePatterns.MayEndAttribution(line, loose: true), Is.True, line);
        }
        Assert.That(QuotePatterns.MayEndAttribution("On Tue, 1 Dec 2026, Jane <j@x> wrote:", loose: false), Is.True);
        Assert.That(QuotePatterns.MayEndAttribution("2026 г. в 10:15, Jane <j@x>：", loose: false), Is.False);
        Assert.That(QuotePatterns.MayEndAttribution("2026 г. в 10:15, Jane <j@x>：", loose: true), Is.True);
        Assert.That(QuotePatterns.MayEndAttribution("call me at 10:15", loose: true), Is.False);
    }

    [Test]
    public void AMobileFooterIsWhatTheFootersPatternMatchesWhetherOrNotItsFirstWordIsListed()
    {
        // IsMobileFooter asks the pattern only for lines that start with a footer's first word: it must never miss one.
        var lines = new List<string>
        {
            "Sent from my iPhone", "SENT WITH Proton Mail", "Get Outlook for Android", "Von meinem iPhone gesendet", "Gesendet mit der WEB.DE Mail App",
            "Holen Sie sich Outlook für iOS", "Envoyé de mon iPhone", "Obtenir Outlook pour Android", "Enviado desde mi iPhone", "Obtener Outlook para iOS",
            "Inviato da iPhone", "Verzonden vanaf mijn iPhone", "Отправлено с iPhone", "Скачайте Outlook для Android", "Αποστολή από το iPhone μου",
            "ΑΠΟΣΤΟΛΉ ΑΠΌ το iPhone", "Λήψη του Outlook για iOS", "ارسال شده از iPhone من", "ارسال‌شده از iPhone", "ارسالشده با Gmail", "فرستاده شده از iPad",
            "دریافت Outlook برای Android", "Thanks!", "Sentences are kept", "Getting there", "Regards, Ann", "", "Sent", "Sent from",
        };
        var random = new Random(5);
        const string alphabet = "SentGtVoEnvyéIiadmpfr ОтпраевлнсΑποστλήاسلرشدهزفب.:";
        for (var i = 0; i < 20_000; i++)
            lines.Add(new string(Enumerable.Range(0, random.Next(0, 30)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));
        foreach (var start in new[] { "Sent ", "Von ", "Envoyé ", "Отправлено ", "Αποστολή ", "ارسال ", "فرستاده " })
            for (var i = 0; i < 2_000; i++)
                lines.Add(start + new string(Enumerable.Range(0, random.Next(0, 70)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));

        var disagreements = lines.Select(l => QuotePatterns.Probe(l).ToString())
            .Where(p => QuotePatterns.IsMobileFooter(p) != QuotePatterns.IsMatch(QuotePatterns.MobileFooter(), p)).Take(10).ToList();

        Assert.That(disagreements, Is.Empty);
        Assert.That(lines.Take(22).Where(l => !QuotePatterns.IsMobileFooter(QuotePatterns.Probe(l))), Is.Empty, "the first 22 lines are footers");
        Assert.That(lines.Skip(22).Take(7).Where(l => QuotePatterns.IsMobileFooter(QuotePatterns.Probe(l))), Is.Empty, "the next 7 are not");
    }
}
