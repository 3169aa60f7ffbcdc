using TicketWorker.Threading;

namespace TicketWorker.Tests.Threading;

public class SubjectTagTests
{
    [Test]
    public void FindsTheDefaultTagAnywhereInTheSubject() =>
        Assert.That(new SubjectTag().Find("Re: [#1234] Printer"), Is.EqualTo(new long[] { 1234 }));

    [Test]
    public void FindsAFullWidthTagAsWritten() =>
        Assert.That(new SubjectTag().Find("回复：［＃77］打印机"), Is.EqualTo(new long[] { 77 }));

    [Test]
    public void SupportsACustomFormat()
    {
        var tag = new SubjectTag("(Ticket {number})");
        Assert.That(tag.Find("Re: (Ticket 9) help"), Is.EqualTo(new long[] { 9 }));
        Assert.That(tag.Find("Re: [#9] help"), Is.Empty);
        Assert.That(tag.Format(9), Is.EqualTo("(Ticket 9)"));
    }

    [Test]
    public void ApplyAddsTheTagOnce()
    {
        var tag = new SubjectTag();
        Assert.That(tag.Apply("Printer", 5), Is.EqualTo("[#5] Printer"));
        Assert.That(tag.Apply("Re: [#5] Printer", 5), Is.EqualTo("Re: [#5] Printer"));
    }

    [Test]
    public void RejectsAFormatWithoutTheNumberPlaceholder() =>
        Assert.Throws<ArgumentException>(() => _ = new SubjectTag("[#]"));
}
