using System.Text;
using TicketWorker.Mail.Encodings;

namespace TicketWorker.Mail.Tests.Encodings;

public class TransferEncodingTests
{
    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);
    private static string Utf8(byte[] b) => Encoding.UTF8.GetString(b);

    [TestCase("SGVsbG8gV29ybGQ=", "Hello World")]
    [TestCase("SGVsbG8g\r\nV29ybGQ=\r\n", "Hello World")]
    [TestCase("SGVs bG8g\tV29y\nbGQ", "Hello World")]
    [TestCase("SGVsbG8gV29ybGQ", "Hello World")]
    [TestCase("SGV*sbG8g!V29y~bGQ=\u00e9", "Hello World")]
    [TestCase("SGVsbG8=\r\nV29ybGQ=", "HelloWorld")]
    [TestCase("SGVsbG8= junk after padding\nV29ybGQ=", "HelloWorld")]
    [TestCase("", "")]
    public void Base64ToleratesWhitespaceGarbageAndMissingPadding(string encoded, string expected)
    {
        Assert.That(Encoding.Latin1.GetString(TransferEncoding.Decode(Encoding.Latin1.GetBytes(encoded), "base64")), Is.EqualTo(expected));
    }

    [TestCase("Gr=C3=BC=C3=9Fe", "Grüße")]
    [TestCase("Gr=c3=bc=c3=9fe", "Grüße")]
    [TestCase("soft =\r\nbreak", "soft break")]
    [TestCase("soft =\nbreak", "soft break")]
    [TestCase("soft =  \r\nbreak", "soft break")]
    [TestCase("trailing   \r\nnext", "trailing\r\nnext")]
    [TestCase("keep  =20\r\n", "keep   \r\n")]
    [TestCase("bad =ZZ escape", "bad =ZZ escape")]
    [TestCase("bad =4 escape", "bad =4 escape")]
    [TestCase("price = 5", "price = 5")]
    [TestCase("ends with =", "ends with ")]
    [TestCase("ends with =A", "ends with =A")]
    [TestCase("a_b", "a_b")]
    public void QuotedPrintableIsLenient(string encoded, string expected)
    {
        Assert.That(Utf8(TransferEncoding.Decode(Ascii(encoded), "quoted-printable")), Is.EqualTo(expected));
    }

    [Test]
    public void PlainTextMislabelledAsBase64IsPassedThrough()
    {
        var text = "Hello team,\r\nthis body was sent with a wrong transfer encoding.\r\nPlease look into it.\r\nKind regards\r\nJohn\r\n";

        Assert.That(Encoding.ASCII.GetString(TransferEncoding.Decode(Ascii(text), "base64")), Is.EqualTo(text));
    }

    [Test]
    public void MislabelledTextIsPassedThroughByTheStreamAlsoInTinyReads()
    {
        var text = string.Concat(Enumerable.Repeat("ploozdect  nispplul swunkglap zarplontruskdremp fruftsist\r\n", 100));

        using var stream = TransferEncoding.CreateDecodingStream(new OneByteStream(Ascii(text)), "base64");
        using var reader = new StreamReader(stream, Encoding.ASCII);

        Assert.That(reader.ReadToEnd(), Is.EqualTo(text));
    }

    [Test]
    public void RealBase64WithATrailingSignatureLineIsStillDecoded()
    {
        var data = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Grüße aus Köln! ", 40)));
        var encoded = TransferEncoding.EncodeBase64(data) + "-- \r\nSent from my phone\r\n";

        var decoded = TransferEncoding.Decode(Ascii(encoded), "base64");

        Assert.That(decoded.AsSpan(0, data.Length).ToArray(), Is.EqualTo(data));
    }

    [TestCase("7bit")]
    [TestCase("8bit")]
    [TestCase("binary")]
    [TestCase(null)]
    [TestCase("x-uuencode-unknown")]
    public void OtherEncodingsPassThrough(string? encoding)
    {
        var data = new byte[] { 0, 1, 0xFF, (byte)'=', (byte)'A' };

        Assert.That(TransferEncoding.Decode(data, encoding), Is.EqualTo(data));
    }

    [TestCase(" Base64 ")]
    [TestCase("BASE64")]
    [TestCase("x-base64")]
    public void EncodingNamesAreRecognisedLeniently(string name)
    {
        Assert.That(TransferEncoding.Decode(Ascii("QQ=="), name), Is.EqualTo(new[] { (byte)'A' }));
    }

    [Test]
    public void LeaveOpenKeepsTheInnerStreamUsableForEveryEncoding()
    {
        foreach (var encoding in new[] { "base64", "quoted-printable", "7bit" })
        {
            var inner = new MemoryStream(Ascii("QQ=="));
            TransferEncoding.CreateDecodingStream(inner, encoding, leaveOpen: true).Dispose();

            Assert.That(inner.CanRead, Is.True, encoding);
        }
    }

    [Test]
    public async Task DecodingStreamGivesTheSameBytesInTinyReads()
    {
        var data = new byte[100_000];
        new Random(7).NextBytes(data);
        var encoded = Ascii(TransferEncoding.EncodeBase64(data));

        await using var stream = TransferEncoding.CreateDecodingStream(new MemoryStream(encoded), "base64");
        var output = new MemoryStream();
        var buffer = new byte[13];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0) output.Write(buffer, 0, n);

        Assert.That(output.ToArray(), Is.EqualTo(data));
    }

    [Test]
    public void QuotedPrintableStreamDecodesEscapesSplitAcrossChunks()
    {
        var text = string.Concat(Enumerable.Repeat("Grüße aus Köln, Привет мир! ", 2000)) + "\r\nend  \r\n";
        var encoded = Ascii(TransferEncoding.EncodeQuotedPrintable(Encoding.UTF8.GetBytes(text)));

        using var stream = TransferEncoding.CreateDecodingStream(new OneByteStream(encoded), "quoted-printable");
        using var reader = new StreamReader(stream, Encoding.UTF8);

        Assert.That(reader.ReadToEnd(), Is.EqualTo(text.Replace("end  \r\n", "end  \r\n")));
    }

    [Test]
    public void QuotedPrintableEncoderKeepsLinesShortAndEscapesTrailingBlanks()
    {
        var text = new string('x', 200) + " \nFrom here\n.dot\nlast line ";

        var encoded = TransferEncoding.EncodeQuotedPrintable(Encoding.UTF8.GetBytes(text));

        Assert.That(encoded.Split("\r\n"), Has.All.Length.LessThanOrEqualTo(76));
        Assert.That(encoded, Does.Contain("=20\r\n=46rom here\r\n=2Edot\r\n"));
        Assert.That(encoded, Does.EndWith("last line=20"));
        Assert.That(Utf8(TransferEncoding.Decode(Ascii(encoded), "quoted-printable")), Is.EqualTo(text.Replace("\n", "\r\n")));
    }

    [Test]
    public async Task Base64WriterProducesLinesOf76Characters()
    {
        var data = new byte[10_000];
        new Random(3).NextBytes(data);
        var output = new MemoryStream();

        await TransferEncoding.WriteBase64Async(new MemoryStream(data), output);

        var text = Encoding.ASCII.GetString(output.ToArray());
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines.Take(lines.Length - 1), Has.All.Length.EqualTo(76));
        Assert.That(text, Does.EndWith("\r\n"));
        Assert.That(TransferEncoding.Decode(output.ToArray(), "base64"), Is.EqualTo(data));
    }

    [Test]
    public void ChoosesAnEncodingByContent()
    {
        Assert.That(TransferEncoding.Choose(Ascii("Hello\r\nWorld"), isText: true), Is.EqualTo("7bit"));
        Assert.That(TransferEncoding.Choose(Encoding.UTF8.GetBytes("Grüße aus Köln, wie geht es Ihnen heute? Ich habe eine Frage zu meiner Bestellung."), isText: true), Is.EqualTo("quoted-printable"));
        Assert.That(TransferEncoding.Choose(Encoding.UTF8.GetBytes("Привет, как дела?"), isText: true), Is.EqualTo("base64"));
        Assert.That(TransferEncoding.Choose(Ascii("plain"), isText: false), Is.EqualTo("base64"));
        Assert.That(TransferEncoding.Choose(Ascii(new string('a', 1200)), isText: true), Is.EqualTo("quoted-printable"));
    }

    /// <summary>Returns one byte per read, the worst case for a streaming decoder.</summary>
    private sealed class OneByteStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 1)]);
    }
}
