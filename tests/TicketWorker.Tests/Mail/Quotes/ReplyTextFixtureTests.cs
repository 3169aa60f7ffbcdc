using TicketWorker.Mail.Quotes;
using TicketWorker.Mail.Reading;

namespace TicketWorker.Tests.Mail.Quotes;

public class ReplyTextFixtureTests
{
    private static IEnumerable<string> Fixtures() => QuoteFixture.Names();

    [TestCaseSource(nameof(Fixtures))]
    public async Task ExtractsExactlyTheNewTextOfARealShapedReply(string name)
    {
        var message = await MessageReader.ReadAsync(QuoteFixture.PathOf(name + ".eml"));
        // New text never ends in a line break, so one that an editor adds to the file is not part of it.
        var expected = (await File.ReadAllTextAsync(QuoteFixture.PathOf(name + ".expected.txt"))).Replace("\r\n", "\n").TrimEnd('\n');

        var reply = ReplyText.Extract(message);

        Assert.That(reply.NewText, Is.EqualTo(expected));
        Assert.That(reply.HasQuote, Is.True, "every fixture quotes the message it answers");
    }

    // Clients that send both bodies: the text heuristics alone must find the same new text in the
    // text/plain part, since some mail reaches us with only that part (or a useless HTML one).
    private static IEnumerable<string> Alternatives() =>
        QuoteFixture.Names().Where(n => File.ReadAllText(QuoteFixture.PathOf(n + ".eml")).Contains("multipart/alternative", StringComparison.OrdinalIgnoreCase));

    [TestCaseSource(nameof(Alternatives))]
    public async Task TheTextPartAloneGivesTheSameNewText(string name)
    {
        var message = await MessageReader.ReadAsync(QuoteFixture.PathOf(name + ".eml"));
        var expected = (await File.ReadAllTextAsync(QuoteFixture.PathOf(name + ".expected.txt"))).Replace("\r\n", "\n").TrimEnd('\n');
        Assert.That(message.TextBody, Is.Not.Null);

        var reply = ReplyText.FromText(message.TextBody!);

        Assert.That(reply.NewText, Is.EqualTo(expected));
        Assert.That(reply.HasQuote, Is.True);
    }

    [Test]
    public void FixturesCoverTheClientsWeMeet()
    {
        var names = QuoteFixture.Names().ToList();
        Assert.That(names, Has.Some.StartsWith("outlook-desktop-html"));
        Assert.That(names, Has.Some.StartsWith("outlook-desktop-plain"));
        Assert.That(names, Has.Some.StartsWith("outlook-web"));
        Assert.That(names, Has.Some.StartsWith("gmail-html"));
        Assert.That(names, Has.Some.StartsWith("gmail-plain"));
        Assert.That(names, Has.Some.StartsWith("thunderbird-html"));
        Assert.That(names, Has.Some.StartsWith("apple-mail"));
        Assert.That(names, Has.Some.StartsWith("mutt"));
        Assert.That(names, Has.Some.Contains("persian"));
        Assert.That(names, Has.Some.Contains("russian"));
        Assert.That(names, Has.Some.Contains("greek"));
        Assert.That(names.All(n => File.Exists(QuoteFixture.PathOf(n + ".expected.txt"))), Is.True);
        Assert.That(Alternatives().Count(), Is.GreaterThanOrEqualTo(5), "HTML clients send a text part too");
    }
}
