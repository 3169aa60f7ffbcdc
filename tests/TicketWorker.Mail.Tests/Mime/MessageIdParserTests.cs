using TicketWorker.Mail.Mime;

namespace TicketWorker.Mail.Tests.Mime;

public class MessageIdParserTests
{
    [TestCase("<abc@example.com>", new[] { "abc@example.com" })]
    [TestCase("<a@x> <b@y>\r\n <c@z>", new[] { "a@x", "b@y", "c@z" })]
    [TestCase("<a@x><b@y>", new[] { "a@x", "b@y" })]
    [TestCase("<a@x> <b@y> <a@x>", new[] { "a@x", "b@y" })]
    [TestCase("<a@x> (comment <not@this>) <b@y>", new[] { "a@x", "b@y" })]
    [TestCase("<abc\r\n @example.com>", new[] { "abc@example.com" })]
    [TestCase("abc@example.com", new[] { "abc@example.com" })]
    [TestCase("a@x, b@y", new[] { "a@x", "b@y" })]
    [TestCase("Your message of Mon, 12 Feb 2024 <orig@example.com>", new[] { "orig@example.com" })]
    [TestCase("Your message of Monday", new string[0])]
    [TestCase("<id@x> from joe@y", new[] { "id@x" })]
    [TestCase("<a@x", new[] { "a@x" })]
    [TestCase("<a@x <b@y>", new[] { "a@x", "b@y" })]
    [TestCase("<>", new string[0])]
    [TestCase("", new string[0])]
    [TestCase("<\"quoted local\"@example.com>", new[] { "\"quotedlocal\"@example.com" })]
    [TestCase("1234567890.ABC", new[] { "1234567890.ABC" })]
    public void ExtractsIdsLeniently(string value, string[] expected)
    {
        Assert.That(MessageIdParser.ParseList(value), Is.EqualTo(expected));
    }

    [Test]
    public void AHostileHeaderOfUnclosedBracketsIsParsedInLinearTime()
    {
        var value = new string('<', 500_000) + "a@b";

        Assert.That(MessageIdParser.ParseList(value), Is.EqualTo(new[] { "a@b" }));
    }

    [Test]
    public void ParseOneGivesTheFirstIdOrNull()
    {
        Assert.That(MessageIdParser.ParseOne("<first@x> <second@y>"), Is.EqualTo("first@x"));
        Assert.That(MessageIdParser.ParseOne(null), Is.Null);
        Assert.That(MessageIdParser.ParseOne("   "), Is.Null);
    }
}
