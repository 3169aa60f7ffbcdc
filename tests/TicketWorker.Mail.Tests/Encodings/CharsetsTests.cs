using System.Text;
using TicketWorker.Mail.Encodings;

namespace TicketWorker.Mail.Tests.Encodings;

public class CharsetsTests
{
    private static readonly byte[] PersianWindows1256 = [0xD3, 0xE1, 0xC7, 0xE3, 0x20, 0xCF, 0xE4, 0xED, 0xC7];
    private static readonly byte[] RussianKoi8R = [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4];
    private static readonly byte[] RussianWindows1251 = [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2];
    private static readonly byte[] GreekIso88597 = [0xCA, 0xE1, 0xEB, 0xE7, 0xEC, 0xDD, 0xF1, 0xE1];
    private static readonly byte[] ChineseGb2312 = [0xC4, 0xE3, 0xBA, 0xC3];
    private static readonly byte[] ChineseBig5 = [0xA7, 0x41, 0xA6, 0x6E];
    private static readonly byte[] JapaneseIso2022Jp =
        [0x1B, 0x24, 0x42, 0x24, 0x33, 0x24, 0x73, 0x24, 0x4B, 0x24, 0x41, 0x24, 0x4F, 0x1B, 0x28, 0x42];
    private static readonly byte[] KoreanCp949 = [0xBE, 0xC8, 0xB3, 0xE7];
    private static readonly byte[] GermanWindows1252 = [0x47, 0x72, 0xFC, 0xDF, 0x65];
    private static readonly byte[] GermanUtf8 = [0x47, 0x72, 0xC3, 0xBC, 0xC3, 0x9F, 0x65];

    [Test]
    public void DecodesPersianWindows1256AndItsAliases()
    {
        Assert.That(Charsets.Decode(PersianWindows1256, "windows-1256"), Is.EqualTo("سلام دن\u064Aا"));
        Assert.That(Charsets.Decode(PersianWindows1256, "cp1256"), Is.EqualTo("سلام دن\u064Aا"));
        Assert.That(Charsets.Decode(PersianWindows1256, "\"Windows-1256\""), Is.EqualTo("سلام دن\u064Aا"));
    }

    [TestCase("koi8-r")]
    [TestCase("KOI8-R")]
    [TestCase("koi8r")]
    public void DecodesRussianKoi8R(string charset)
    {
        Assert.That(Charsets.Decode(RussianKoi8R, charset), Is.EqualTo("Привет"));
    }

    [TestCase("windows-1251")]
    [TestCase("win-1251")]
    [TestCase("cp-1251")]
    [TestCase("x-cp1251")]
    public void DecodesRussianWindows1251(string charset)
    {
        Assert.That(Charsets.Decode(RussianWindows1251, charset), Is.EqualTo("Привет"));
    }

    [TestCase("iso-8859-7")]
    [TestCase("ISO_8859-7:1987")]
    [TestCase("iso8859-7")]
    public void DecodesGreekIso88597(string charset)
    {
        Assert.That(Charsets.Decode(GreekIso88597, charset), Is.EqualTo("Καλημέρα"));
    }

    [TestCase("gb2312")]
    [TestCase("GBK")]
    [TestCase("gb18030")]
    [TestCase("euc-cn")]
    public void DecodesSimplifiedChineseWithTheGb18030Superset(string charset)
    {
        Assert.That(Charsets.Decode(ChineseGb2312, charset), Is.EqualTo("你好"));
        Assert.That(Charsets.GetEncoding(charset)!.CodePage, Is.EqualTo(54936));
    }

    [Test]
    public void DecodesTraditionalChineseJapaneseAndKorean()
    {
        Assert.That(Charsets.Decode(ChineseBig5, "big5"), Is.EqualTo("你好"));
        Assert.That(Charsets.Decode(JapaneseIso2022Jp, "iso-2022-jp"), Is.EqualTo("こんにちは"));
        Assert.That(Charsets.Decode(KoreanCp949, "ks_c_5601-1987"), Is.EqualTo("안녕"));
        Assert.That(Charsets.Decode(KoreanCp949, "euc-kr"), Is.EqualTo("안녕"));
    }

    [TestCase("iso-8859-8-i", 28598)]
    [TestCase("latin1", 1252)]
    [TestCase("ISO-8859-1", 1252)]
    [TestCase("iso-8859-15", 28605)]
    [TestCase("utf8", 65001)]
    [TestCase("x-mac-cyrillic", 10007)]
    [TestCase("x-mac-roman", 10000)]
    [TestCase("macintosh", 10000)]
    [TestCase("x-mac-ce", 10029)]
    [TestCase("tis-620", 874)]
    [TestCase("shift-jis", 932)]
    [TestCase("ibm866", 866)]
    [TestCase("utf-7", 65000)]
    [TestCase("utf-8*en", 65001)]
    public void KnowsCommonAliases(string charset, int codePage)
    {
        Assert.That(Charsets.GetEncoding(charset)?.CodePage, Is.EqualTo(codePage));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("x-unknown-charset-42")]
    [TestCase("us-ascii")]
    public void UnknownOrMeaninglessCharsetsGiveNoEncoding(string? charset)
    {
        Assert.That(Charsets.GetEncoding(charset), Is.Null);
    }

    [Test]
    public void UnknownCharsetDecodesValidUtf8AsUtf8()
    {
        Assert.That(Charsets.Decode(GermanUtf8, "x-klingon"), Is.EqualTo("Grüße"));
        Assert.That(Charsets.Decode(GermanUtf8, "us-ascii"), Is.EqualTo("Grüße"));
    }

    [Test]
    public void UnknownCharsetDecodesInvalidUtf8WithTheFallback()
    {
        Assert.That(Charsets.Decode(GermanWindows1252, "x-klingon"), Is.EqualTo("Grüße"));
        Assert.That(Charsets.Decode(RussianWindows1251, null, Charsets.GetEncoding("windows-1251")), Is.EqualTo("Привет"));
    }

    [Test]
    public void DeclaredUtf8ThatIsReallyLegacyFallsBackInsteadOfReplacementCharacters()
    {
        var text = Charsets.Decode(GermanWindows1252, "utf-8");

        Assert.That(text, Is.EqualTo("Grüße"));
        Assert.That(text, Does.Not.Contain("\uFFFD"));
        Assert.That(Charsets.Decode(PersianWindows1256, "utf-8", Charsets.GetEncoding("windows-1256")), Is.EqualTo("سلام دن\u064Aا"));
    }

    [Test]
    public void MostlyValidUtf8WithOneBadByteStaysUtf8()
    {
        var bytes = Encoding.UTF8.GetBytes("Привет, как дела? ").Concat(new byte[] { 0xFF }).ToArray();

        Assert.That(Charsets.Decode(bytes, "utf-8"), Is.EqualTo("Привет, как дела? \uFFFD"));
    }

    [Test]
    public void DeclaredMultiByteCharsetThatIsReallyUtf8DecodesAsUtf8()
    {
        var bytes = Encoding.UTF8.GetBytes("Grüße aus Köln");

        Assert.That(Charsets.Decode(bytes, "iso-2022-jp"), Is.EqualTo("Grüße aus Köln"));
        Assert.That(Charsets.Decode(Encoding.UTF8.GetBytes("سلام"), "big5"), Is.EqualTo("سلام"));
    }

    [Test]
    public void GarbageThatNoCharsetDecodesCleanlyStaysUtf8WithReplacementCharacters()
    {
        // Control characters in the windows-1252 reading show it is no better than UTF-8.
        Assert.That(Charsets.Decode([0x81, 0xAA, 0xDB, 0x6A, 0x07], "utf-8"), Does.StartWith("\uFFFD"));
    }

    [Test]
    public void Iso88591IsReadAsWindows1252ForSmartQuotes()
    {
        Assert.That(Charsets.Decode([0x93, 0x48, 0x69, 0x94, 0x20, 0x80], "iso-8859-1"), Is.EqualTo("\u201CHi\u201D \u20AC"));
    }

    [Test]
    public void Utf8ByteOrderMarkIsDropped()
    {
        Assert.That(Charsets.Decode([0xEF, 0xBB, 0xBF, 0x41], "utf-8"), Is.EqualTo("A"));
    }

    [Test]
    public void Utf16HonoursTheByteOrderMark()
    {
        Assert.That(Charsets.Decode([0xFE, 0xFF, 0x04, 0x1F], "utf-16"), Is.EqualTo("П"));
        Assert.That(Charsets.Decode([0x1F, 0x04], "utf-16le"), Is.EqualTo("П"));
        Assert.That(Charsets.Decode([0x04, 0x1F], "utf-16"), Is.EqualTo("П"), "RFC 2781: big-endian without a BOM");
        Assert.That(Charsets.Decode([0xFF, 0xFE, 0x1F, 0x04], "utf-16"), Is.EqualTo("П"));
    }

    [TestCase("<html><head><meta charset=\"windows-1250\"/></head>", "windows-1250")]
    [TestCase("<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=koi8-r\">", "koi8-r")]
    [TestCase("<meta charset='gb2312'>", "gb2312")]
    [TestCase("<html><body>no declaration</body></html>", null)]
    [TestCase("<meta charset=\"x-bogus\">", null)]
    public void DetectsTheCharsetAnHtmlDocumentDeclares(string html, string? expected)
    {
        Assert.That(Charsets.DetectHtmlCharset(Encoding.ASCII.GetBytes(html)), Is.EqualTo(expected));
    }

    [Test]
    public void UndeclaredTextWithAUtf16ByteOrderMarkIsUtf16()
    {
        Assert.That(Charsets.DecodeUndeclared([0xFF, 0xFE, 0x1F, 0x04]), Is.EqualTo("П"));
    }

    [Test]
    public void AStrictFallbackEncodingDoesNotMakeDecodeThrow()
    {
        var strict = Encoding.GetEncoding("us-ascii", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

        Assert.That(Charsets.Decode([0x47, 0xFC], "utf-8", strict), Is.EqualTo("Gü"));
    }

    [Test]
    public void EmptyInputIsEmptyText()
    {
        Assert.That(Charsets.Decode([], "koi8-r"), Is.EqualTo(""));
    }
}
