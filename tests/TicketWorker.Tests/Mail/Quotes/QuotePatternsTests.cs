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
}
