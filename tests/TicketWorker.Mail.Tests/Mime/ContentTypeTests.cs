using TicketWorker.Mail.Mime;

namespace TicketWorker.Mail.Tests.Mime;

public class ContentTypeTests
{
    [Test]
    public void ParsesTypeSubtypeAndParameters()
    {
        var ct = ContentType.Parse("Text/HTML; Charset=\"UTF-8\"; format=flowed");

        Assert.That(ct.MimeType, Is.EqualTo("text/html"));
        Assert.That(ct.Charset, Is.EqualTo("UTF-8"));
        Assert.That(ct.Parameters["FORMAT"], Is.EqualTo("flowed"));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("garbage")]
    [TestCase("text")]
    [TestCase("/plain")]
    [TestCase("text/")]
    [TestCase("te xt/pl;ain")]
    [TestCase(";;;==;\"")]
    public void MissingOrGarbageValuesGiveTextPlain(string? value)
    {
        Assert.That(ContentType.Parse(value).MimeType, Is.EqualTo("text/plain"));
    }

    [Test]
    public void MultipartWithoutBoundaryIsTreatedAsText()
    {
        Assert.That(ContentType.Parse("multipart/mixed").MimeType, Is.EqualTo("text/plain"));
        Assert.That(ContentType.Parse("multipart/mixed; boundary=\"=_abc\"").Boundary, Is.EqualTo("=_abc"));
    }

    [Test]
    public void ToleratesMissingSemicolonsCommentsAndBlanks()
    {
        var ct = ContentType.Parse("text/plain (body) charset=koi8-r  format = flowed;; delsp=yes");

        Assert.That(ct.MimeType, Is.EqualTo("text/plain"));
        Assert.That(ct.Charset, Is.EqualTo("koi8-r"));
        Assert.That(ct.Parameters["format"], Is.EqualTo("flowed"));
        Assert.That(ct.Parameters["delsp"], Is.EqualTo("yes"));
    }

    [Test]
    public void KeepsBlanksInsideAnUnquotedFileName()
    {
        var ct = ContentType.Parse("application/pdf; name=Invoice March 2024.pdf; x-mac-type=50444620");

        Assert.That(ct.Name, Is.EqualTo("Invoice March 2024.pdf"));
        Assert.That(ct.Parameters["x-mac-type"], Is.EqualTo("50444620"));
    }

    [Test]
    public void AHostileRunOfBlanksIsParsedInLinearTime()
    {
        var ct = ContentType.Parse("text/plain; name=a" + new string(' ', 300_000) + "b");

        Assert.That(ct.Name, Does.StartWith("a ").And.EndWith(" b"));
    }

    [Test]
    public void BoundaryWithSpecialCharactersIsKeptVerbatim()
    {
        var ct = ContentType.Parse("multipart/alternative;\tboundary=\"----=_Part_123_=?x?=.1700000000\"");

        Assert.That(ct.Boundary, Is.EqualTo("----=_Part_123_=?x?=.1700000000"));
    }

    [Test]
    public void FirstOfDuplicateParametersWins()
    {
        var ct = ContentType.Parse("multipart/mixed; boundary=first; boundary=second");

        Assert.That(ct.Boundary, Is.EqualTo("first"));
    }

    [Test]
    public void AnEmptyDuplicateDoesNotHideALaterValue()
    {
        var ct = ContentType.Parse("multipart/mixed; boundary=1; comment=\"\"  comment=\"人権の無視及\"");

        Assert.That(ct.Parameters["comment"], Is.EqualTo("人権の無視及"));
    }

    [Test]
    public void DecodesRfc2231ContinuationsWithCharsetAndLanguage()
    {
        // RFC 2231 §4.1 style, Persian name "فاکتور.pdf" in UTF-8 split over three sections.
        var ct = ContentType.Parse(
            "application/pdf; name*0*=utf-8'fa'%D9%81%D8%A7; name*1*=%DA%A9%D8%AA%D9%88%D8%B1; name*2=.pdf");

        Assert.That(ct.Name, Is.EqualTo("فاکتور.pdf"));
    }

    [Test]
    public void DecodesRfc2231InLegacyCharsets()
    {
        Assert.That(ContentType.Parse("text/plain; name*=koi8-r''%F0%D2%C9%D7%C5%D4.txt").Name, Is.EqualTo("Привет.txt"));
        Assert.That(ContentType.Parse("text/plain; name*=iso-8859-7'el'%CA%E1%EB%E7%EC%DD%F1%E1").Name, Is.EqualTo("Καλημέρα"));
    }

    [Test]
    public void ContinuationsOutOfOrderAreSorted()
    {
        var ct = ContentType.Parse("text/plain; name*1=\"world.txt\"; name*0=\"hello \"");

        Assert.That(ct.Name, Is.EqualTo("hello world.txt"));
    }

    [Test]
    public void Rfc2231ValueWinsOverAPlainDuplicate()
    {
        var ct = ContentType.Parse("application/pdf; name=\"Rechnung.pdf\"; name*=UTF-8''Rechnung%20f%C3%BCr%20M%C3%A4rz.pdf");

        Assert.That(ct.Name, Is.EqualTo("Rechnung für März.pdf"));
    }

    [Test]
    public void DecodesRfc2047WordsInQuotedParameters()
    {
        var ct = ContentType.Parse("application/octet-stream; name=\"=?gb2312?B?xOO6w8rAvec=?=.doc\"");

        Assert.That(ct.Name, Is.EqualTo("你好世界.doc"));
    }

    [Test]
    public void QuotedExtendedValueAndBadPercentEscapesAreTolerated()
    {
        Assert.That(ContentType.Parse("text/plain; name*=\"utf-8''%D0%9F%ZZ\"").Name, Is.EqualTo("П%ZZ"));
        Assert.That(ContentType.Parse("text/plain; name*=%41%42").Name, Is.EqualTo("AB"), "no charset'lang' part");
    }

    [Test]
    public void UnterminatedQuoteRunsToTheEnd()
    {
        Assert.That(ContentType.Parse("text/plain; name=\"broken.txt").Name, Is.EqualTo("broken.txt"));
    }

    [Test]
    public void HeaderValueRoundTripsNonAsciiParameters()
    {
        var name = "گزارش ماهانه فروش شرکت برای سه ماهه اول سال ۱۴۰۳ نسخه نهایی.xlsx";
        var ct = new ContentType("application", "vnd.ms-excel", new Dictionary<string, string> { ["name"] = name });

        var written = ct.ToHeaderValue();

        Assert.That(written, Does.Contain("name*0*=utf-8''"));
        Assert.That(written.All(c => c < 128), Is.True);
        Assert.That(ContentType.Parse(written).Name, Is.EqualTo(name));
    }

    [TestCase("plain.txt", "name=plain.txt")]
    [TestCase("with space.txt", "name=\"with space.txt\"")]
    [TestCase("Grüße.txt", "name*=utf-8''Gr%C3%BC%C3%9Fe.txt")]
    public void FormatsParametersAsTokenQuotedOrExtended(string value, string expected)
    {
        var ct = new ContentType("text", "plain", new Dictionary<string, string> { ["name"] = value });

        Assert.That(ct.ToHeaderValue(), Is.EqualTo("text/plain; " + expected));
    }
}
