using TicketWorker.Mail.Mime;

namespace TicketWorker.Mail.Tests.Mime;

public class FlowedTextTests
{
    [Test]
    public void SoftBreaksJoinAndHardBreaksStay() =>
        Assert.That(FlowedText.Unflow("one \ntwo\nthree", delSp: false), Is.EqualTo("one two\nthree"));

    [Test]
    public void DelSpRemovesTheSoftBreakSpace() =>
        Assert.That(FlowedText.Unflow("abc \ndef", delSp: true), Is.EqualTo("abcdef"));

    [Test]
    public void QuoteDepthChangeEndsTheParagraph() =>
        Assert.That(FlowedText.Unflow("> a \n>> b\nc", delSp: false), Is.EqualTo("> a \n>> b\nc"));

    [Test]
    public void SignatureSeparatorIsNotFlowed() =>
        Assert.That(FlowedText.Unflow("text\n-- \nme", delSp: false), Is.EqualTo("text\n-- \nme"));

    [Test]
    public void SpaceStuffingIsRemoved() =>
        Assert.That(FlowedText.Unflow(" From here\n  two spaces", delSp: false), Is.EqualTo("From here\n two spaces"));
}
