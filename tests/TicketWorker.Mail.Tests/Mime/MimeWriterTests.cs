using TicketWorker.Mail.Mime;

namespace TicketWorker.Mail.Tests.Mime;

public class MimeWriterTests
{
    [TestCase("short value")]
    [TestCase("a  b   c with  double  blanks that must survive folding and unfolding exactly as written here ok")]
    [TestCase("=?utf-8?b?0JfQsNC60LDQtyDQvdC1INC00L7RgdGC0LDQstC70LXQvSwg0L/QvtC80L4=?= =?utf-8?b?0LPQuNGC0LUg0L/QvtC20LDQu9GD0LnRgdGC0LAsINGPINC20LTRgyDRg9C2?=")]
    [TestCase("<a@example.com> <b@example.com> <c@example.com> <d@example.com> <e@example.com> <f@example.com>")]
    public void FoldingKeepsLinesShortAndUnfoldsToTheSameValue(string value)
    {
        var folded = MimeWriter.FoldHeader("Subject", value);

        Assert.That(folded, Does.EndWith("\r\n"));
        Assert.That(folded.TrimEnd('\r', '\n').Split("\r\n"), Has.All.Length.LessThanOrEqualTo(78));
        var unfolded = folded.TrimEnd('\r', '\n').Replace("\r\n", "");
        Assert.That(unfolded, Is.EqualTo("Subject: " + value));
    }

    [Test]
    public void AWordLongerThanALineStaysWhole()
    {
        var url = "https://example.com/" + new string('x', 120);

        var folded = MimeWriter.FoldHeader("X-Url", url);

        Assert.That(folded, Is.EqualTo("X-Url: " + url + "\r\n"));
    }

    [Test]
    public void NormalizesEveryLineBreakToCrlf()
    {
        Assert.That(MimeWriter.NormalizeLineEndings("a\nb\r\nc\rd"), Is.EqualTo("a\r\nb\r\nc\r\nd"));
    }

    [Test]
    public void BoundariesAreUniqueAndCannotAppearInEncodedContent()
    {
        var a = MimeWriter.NewBoundary();
        var b = MimeWriter.NewBoundary();

        Assert.That(a, Is.Not.EqualTo(b));
        Assert.That(a, Does.StartWith("=_"), "'=_' is neither valid quoted-printable nor base64");
    }
}
