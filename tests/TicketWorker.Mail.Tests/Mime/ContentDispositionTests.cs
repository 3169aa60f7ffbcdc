using TicketWorker.Mail.Mime;

namespace TicketWorker.Mail.Tests.Mime;

public class ContentDispositionTests
{
    [Test]
    public void ParsesAttachmentWithFileName()
    {
        var cd = ContentDisposition.Parse("Attachment; filename=\"report.pdf\"; size=1234")!;

        Assert.That(cd.IsAttachment, Is.True);
        Assert.That(cd.FileName, Is.EqualTo("report.pdf"));
        Assert.That(cd.Parameters["size"], Is.EqualTo("1234"));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("  ")]
    public void MissingValueIsNull(string? value)
    {
        Assert.That(ContentDisposition.Parse(value), Is.Null);
    }

    [Test]
    public void InlineStaysInline()
    {
        Assert.That(ContentDisposition.Parse("inline")!.IsAttachment, Is.False);
        Assert.That(ContentDisposition.Parse("INLINE; filename=logo.png")!.Disposition, Is.EqualTo("inline"));
    }

    [Test]
    public void MisspelledOrMissingDispositionWithFileNameIsAnAttachment()
    {
        Assert.That(ContentDisposition.Parse("attachement; filename=a.txt")!.IsAttachment, Is.True);
        Assert.That(ContentDisposition.Parse("filename=a.txt")!.IsAttachment, Is.True);
        Assert.That(ContentDisposition.Parse("filename=a.txt")!.FileName, Is.EqualTo("a.txt"));
    }

    [Test]
    public void DecodesRfc2231FileNamesInManyLanguages()
    {
        Assert.That(ContentDisposition.Parse("attachment; filename*=UTF-8''%D0%A1%D1%87%D0%B5%D1%82.pdf")!.FileName, Is.EqualTo("Счет.pdf"));
        Assert.That(ContentDisposition.Parse("attachment; filename*=windows-1256''%D3%E1%C7%E3.txt")!.FileName, Is.EqualTo("سلام.txt"));
        Assert.That(ContentDisposition.Parse("attachment;\r\n filename*0*=gb2312''%C4%E3; filename*1*=%BA%C3.txt")!.FileName, Is.EqualTo("你好.txt"));
    }

    [Test]
    public void DecodesRfc2047FileNamesAsGmailWritesThem()
    {
        var cd = ContentDisposition.Parse("attachment; filename=\"=?UTF-8?B?0J/RgNC40LLQtdGCINC80LjRgA==?=.txt\"")!;

        Assert.That(cd.FileName, Is.EqualTo("Привет мир.txt"));
    }

    [Test]
    public void KeepsBackslashesOfUnescapedWindowsPaths()
    {
        Assert.That(ContentDisposition.Parse("attachment; filename=\"C:\\Temp\\a.txt\"")!.FileName, Is.EqualTo("C:\\Temp\\a.txt"));
        Assert.That(ContentDisposition.Parse("attachment; filename=\"say \\\"hi\\\".txt\"")!.FileName, Is.EqualTo("say \"hi\".txt"));
    }

    [Test]
    public void WritesAndReadsBackANonAsciiFileName()
    {
        var cd = new ContentDisposition("attachment", new Dictionary<string, string> { ["filename"] = "Αναφορά 2024.pdf" });

        Assert.That(ContentDisposition.Parse(cd.ToHeaderValue())!.FileName, Is.EqualTo("Αναφορά 2024.pdf"));
    }
}
