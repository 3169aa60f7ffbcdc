using TicketWorker.Mail.Mime;

namespace TicketWorker.Mail.Tests.Mime;

public class HtmlToTextTests
{
    [Test]
    public void StyleScriptAndHeadContentAreDropped() =>
        Assert.That(HtmlToText.Convert("<html><head><title>T</title><style>x{}</style></head><body><script>s()</script>Hi</body></html>"),
            Is.EqualTo("Hi"));

    [Test]
    public void BlocksAndBreaksBecomeLines() =>
        Assert.That(HtmlToText.Convert("<div>a</div><div>b<br>c</div><p>d</p>e"), Is.EqualTo("a\nb\nc\n\nd\n\ne"));

    [Test]
    public void WhitespaceCollapsesOutsidePre() =>
        Assert.That(HtmlToText.Convert("<p>a \n  b</p><pre>x  y\n  z</pre>"), Is.EqualTo("a b\n\nx  y\n  z"));

    [Test]
    public void LinksKeepTheirTextAndEntitiesAreDecoded() =>
        Assert.That(HtmlToText.Convert("<a href=\"https://x\">click &lt;here&gt;</a> &amp; &#1575;"), Is.EqualTo("click <here> & ا"));

    [Test]
    public void EmptyHtmlGivesEmptyText() => Assert.That(HtmlToText.Convert("  "), Is.EqualTo(""));
}
