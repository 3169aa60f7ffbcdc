using System.Text;
using TicketWorker.Mail.Encodings;

namespace TicketWorker.Mail.Tests.Encodings;

public class Utf7Tests
{
    [TestCase("Hi Mom -+Jjo--!", "Hi Mom -\u263A-!")]
    [TestCase("+ZeVnLIqe-", "日本語")]
    [TestCase("A+ImIDkQ.", "A\u2262\u0391.")]
    [TestCase("Item 3 is +AKM-1.", "Item 3 is £1.")]
    [TestCase("1 +- 1 = 2", "1 + 1 = 2")]
    public void DecodesTheExamplesOfRfc2152(string encoded, string expected)
    {
        Assert.That(Utf7.Decode(Encoding.ASCII.GetBytes(encoded)), Is.EqualTo(expected));
    }

    [Test]
    public void DecodesPersianAndRussianText()
    {
        var persian = Utf7.Encode("سلام دنیا");
        var russian = Utf7.Encode("Привет, мир");

        Assert.That(Utf7.Decode(persian), Is.EqualTo("سلام دنیا"));
        Assert.That(Utf7.Decode(russian), Is.EqualTo("Привет, мир"));
        Assert.That(russian, Does.Contain(", "), "commas and spaces are direct characters");
    }

    [TestCase("")]
    [TestCase("plain ascii text.")]
    [TestCase("a+b=c & \"quoted\" {x} ~tilde~")]
    [TestCase("Καλημέρα κόσμε 😀 emoji")]
    [TestCase("中文 and 日本語 mixed\r\nwith lines")]
    public void EncodeThenDecodeGivesTheOriginal(string text)
    {
        var encoded = Utf7.EncodeToBytes(text);

        Assert.That(encoded.All(b => b < 0x80), Is.True);
        Assert.That(Utf7.Decode(encoded), Is.EqualTo(text));
    }

    [Test]
    public void BrokenBase64RunEndsTheShiftWithoutThrowing()
    {
        // '+' followed by a non-base64 character is ill-formed; the characters are kept.
        Assert.That(Utf7.Decode("a + b"), Is.EqualTo("a + b"));
        Assert.That(Utf7.Decode("+ZeVnLIqe"), Is.EqualTo("日本語"), "missing '-' at the end");
        Assert.That(Utf7.Decode("+AK"), Is.EqualTo(""), "an incomplete code unit is dropped");
    }

    [Test]
    public void CharsetsDecodesUtf7DeclaredContent()
    {
        var bytes = Encoding.ASCII.GetBytes("Hi Mom -+Jjo--!");

        Assert.That(Charsets.Decode(bytes, "unicode-1-1-utf-7"), Is.EqualTo("Hi Mom -\u263A-!"));
        Assert.That(Charsets.GetEncoding("UTF-7")!.GetString(bytes), Is.EqualTo("Hi Mom -\u263A-!"));
    }

    [Test]
    public void StreamReaderDecodesUtf7AcrossBufferBoundaries()
    {
        var text = string.Concat(Enumerable.Repeat("Привет мир! ", 400));
        var bytes = Utf7.EncodeToBytes(text);
        using var reader = new StreamReader(new MemoryStream(bytes), Charsets.GetEncoding("utf-7")!, false, 7);

        Assert.That(reader.ReadToEnd(), Is.EqualTo(text));
    }
}
