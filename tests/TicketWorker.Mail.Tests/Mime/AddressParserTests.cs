using TicketWorker.Mail.Mime;

namespace TicketWorker.Mail.Tests.Mime;

public class AddressParserTests
{
    private static IEnumerable<TestCaseData> Addresses() => FixtureTable.Read("addresses.tsv");

    [TestCaseSource(nameof(Addresses))]
    public void ParsesAddressListsOfTheFixtureTable(string value, string expected)
    {
        var parsed = AddressParser.ParseList(value);

        Assert.That(string.Join(" | ", parsed), Is.EqualTo(expected));
    }

    [Test]
    public void NameIsNullWhenThereIsNone()
    {
        var parsed = AddressParser.ParseList("<john@example.com>");

        Assert.That(parsed[0].Name, Is.Null);
        Assert.That(parsed[0].Address, Is.EqualTo("john@example.com"));
    }

    [Test]
    public void NullAndBlankGiveNoMailboxes()
    {
        Assert.That(AddressParser.ParseList(null), Is.Empty);
        Assert.That(AddressParser.ParseList(" \t "), Is.Empty);
    }

    [TestCase("Иван Петров", "ivan@example.ru")]
    [TestCase("Müller, Hans", "hans@example.de")]
    [TestCase("علی \"رضایی\"", "ali@example.ir")]
    [TestCase("Plain Name", "plain@example.com")]
    [TestCase("Jörg", "jörg@bücher.de")]
    public void FormattedMailboxParsesBack(string name, string address)
    {
        var written = AddressParser.Format(new MailboxAddress(name, address));

        Assert.That(written.All(c => c < 128 || address.Contains(c)), Is.True, written);
        Assert.That(AddressParser.ParseOne(written), Is.EqualTo(new MailboxAddress(name, address)));
    }

    [Test]
    public void FormattedListParsesBack()
    {
        MailboxAddress[] list = [new("Doe, John", "john@example.com"), new(null, "jane@example.com"), new("Νίκος", "nikos@example.gr")];

        Assert.That(AddressParser.ParseList(AddressParser.FormatList(list)), Is.EqualTo(list));
    }

    [Test]
    public void FormatWritesUnicodeDomainsAsPunycode()
    {
        Assert.That(AddressParser.Format(new MailboxAddress(null, "info@bücher.de")), Is.EqualTo("info@xn--bcher-kva.de"));
    }

    [Test]
    public void AHostileHeaderOfColonsIsParsedInLinearTime()
    {
        var value = string.Concat(Enumerable.Repeat("a@b:", 200_000));

        Assert.That(AddressParser.ParseList(value), Has.Count.EqualTo(1));
    }

    [Test]
    public void AHostileHeaderOfEscapedQuotesIsParsedInLinearTime()
    {
        var value = "\"" + string.Concat(Enumerable.Repeat("\\\"", 200_000)) + " <a@b.c>";

        Assert.That(AddressParser.ParseList(value).Single().Address, Is.EqualTo("a@b.c"));
    }

    [Test]
    public void NeverThrowsOnRandomInput()
    {
        var random = new Random(5322);
        const string alphabet = "ab@.<>\"(),;:\\ =?Bxn--Ш";
        for (var i = 0; i < 5000; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var j = 0; j < chars.Length; j++) chars[j] = alphabet[random.Next(alphabet.Length)];
            var value = new string(chars);
            Assert.DoesNotThrow(() => AddressParser.ParseList(value), value);
        }
    }
}
