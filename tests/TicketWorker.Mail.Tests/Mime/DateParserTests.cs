using System.Globalization;
using TicketWorker.Mail.Mime;

namespace TicketWorker.Mail.Tests.Mime;

public class DateParserTests
{
    private static IEnumerable<TestCaseData> Dates() => FixtureTable.Read("dates.tsv");

    [TestCaseSource(nameof(Dates))]
    public void ParsesDatesOfTheFixtureTable(string value, string expected)
    {
        var parsed = DateParser.Parse(value);

        if (expected == "null")
        {
            Assert.That(parsed, Is.Null);
        }
        else
        {
            var want = DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture);
            Assert.That(parsed, Is.EqualTo(want));
            Assert.That(parsed!.Value.Offset, Is.EqualTo(want.Offset));
        }
    }

    [Test]
    public void AHostileHeaderOfNumbersIsParsedInLinearTime()
    {
        Assert.That(DateParser.Parse(string.Concat(Enumerable.Repeat("1 ", 300_000))), Is.Null);
    }

    [Test]
    public void NullIsNull()
    {
        Assert.That(DateParser.Parse(null), Is.Null);
    }

    [Test]
    public void FormatWritesRfc5322AndParsesBack()
    {
        var date = new DateTimeOffset(2024, 3, 5, 7, 8, 9, TimeSpan.FromMinutes(210));

        var text = DateParser.Format(date);

        Assert.That(text, Is.EqualTo("Tue, 5 Mar 2024 07:08:09 +0330"));
        Assert.That(DateParser.Parse(text), Is.EqualTo(date));
        Assert.That(DateParser.Format(new DateTimeOffset(2024, 3, 5, 7, 8, 9, TimeSpan.FromHours(-5))), Does.EndWith("-0500"));
    }

    [Test]
    public void NeverThrowsOnRandomInput()
    {
        var random = new Random(2047);
        const string alphabet = "0123456789 :,+-()ABCDEFGHIJKLMNOPQRSTUVWXYZadefgnoprtuvy\t.";
        for (var i = 0; i < 5000; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var j = 0; j < chars.Length; j++) chars[j] = alphabet[random.Next(alphabet.Length)];
            var value = new string(chars);
            Assert.DoesNotThrow(() => DateParser.Parse(value), value);
        }
    }
}
