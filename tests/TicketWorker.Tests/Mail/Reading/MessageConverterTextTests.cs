using MimeKit;
using TicketWorker.Mail.Reading;
using TicketWorker.Tests.Mail.Reading.Corpora;

namespace TicketWorker.Tests.Mail.Reading;

/// <summary>The reading layer's shortcuts give what the longer way gave: line ends, and header values without MimeKit's decoder.</summary>
public class MessageConverterTextTests
{
    [TestCase("", "")]
    [TestCase("no line ends", "no line ends")]
    [TestCase("a\r\nb", "a\nb")]
    [TestCase("a\rb", "a\nb")]
    [TestCase("a\nb", "a\nb")]
    [TestCase("\r\n", "\n")]
    [TestCase("\r", "\n")]
    [TestCase("\r\r\n\n\r", "\n\n\n\n")]
    [TestCase("a\r\n\r\nb\r", "a\n\nb\n")]
    [TestCase("x\n\ry\r\n", "x\n\ny\n")]
    [TestCase("تیکت\r\nشماره\rیک", "تیکت\nشماره\nیک")]
    public void LineEndsBecomeLf(string text, string expected) =>
        Assert.That(MessageConverter.NormalizeLineEnds(text), Is.EqualTo(expected).And.EqualTo(text.Replace("\r\n", "\n").Replace('\r', '\n')));

    [TestCase("")]
    [TestCase("no line ends")]
    [TestCase("a\r\nb")]
    [TestCase("\r")]
    [TestCase("\r\r\n\n\r")]
    [TestCase("a\r\n\r\nb\r")]
    [TestCase("x\n\ry\r\n")]
    [TestCase("تیکت\r\nشماره\rیک")]
    public void LineEndsBecomeLfInTheBytesAsInTheText(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var length = PartContent.LineEndsAsLf(bytes);
        Assert.That(System.Text.Encoding.UTF8.GetString(bytes, 0, length), Is.EqualTo(MessageConverter.NormalizeLineEnds(text)));
    }

    [Test]
    public void LineEndsBecomeLfInTheBytesAsInTheTextForSeededMixes()
    {
        var random = new Random(20261203);
        byte[] alphabet = [(byte)'a', (byte)'\r', (byte)'\n', 0xD0, 0x9F];
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 40)];
            for (var b = 0; b < bytes.Length; b++) bytes[b] = alphabet[random.Next(alphabet.Length)];
            var text = System.Text.Encoding.Latin1.GetString(bytes);
            var length = PartContent.LineEndsAsLf(bytes);
            Assert.That(System.Text.Encoding.Latin1.GetString(bytes, 0, length), Is.EqualTo(MessageConverter.NormalizeLineEnds(text)));
        }
    }

    [TestCase("utf-8", true)]
    [TestCase("us-ascii", true)]
    [TestCase("iso-8859-1", true)]
    [TestCase("iso-8859-7", true)]
    [TestCase("koi8-r", true)]
    [TestCase("windows-1256", true)]
    [TestCase("utf-16", false)]
    [TestCase("IBM037", false)]
    [TestCase("shift_jis", false)]
    [TestCase("gb2312", false)]
    [TestCase("utf-7", false)]
    public void OnlyCharsetsThatReadCrAndLfBytesAsThemselvesHaveTheirLineEndsChangedAsBytes(string charset, bool asBytes)
    {
        var encoding = PartContent.Charset(charset);
        Assert.That(encoding, Is.Not.Null, charset);
        Assert.That(PartContent.KeepsLineEndBytes(encoding), Is.EqualTo(asBytes));
    }

    [TestCase("koi8-r", "Здравствуйте,\r\nпринтер\rне работает.\r\n")]
    [TestCase("windows-1256", "سلام\r\nچاپگر\r\n")]
    [TestCase("utf-16", "Hello\r\nworld\r")]
    [TestCase("shift_jis", "こんにちは\r\nプリンター\r\n")]
    public async Task ATextPartReadsWithLfLineEndsInAnyCharset(string charset, string text)
    {
        var encoding = PartContent.Charset(charset)!;
        var body = Convert.ToBase64String(encoding.GetBytes(text));
        var message = await ReadingFixture.ReadTextAsync(
            $"From: a@example.org\r\nSubject: x\r\nContent-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: base64\r\n\r\n{body}\r\n");
        Assert.That(message.TextBody, Is.EqualTo(MessageConverter.NormalizeLineEnds(text)));
    }

    [Test]
    public void AHeaderValueIsMimeKitsDecodedValueForEveryHeaderOfTheCorpora()
    {
        var root = Corpus.Require("");
        int headers = 0, shortcut = 0;
        var differences = new List<string>();
        foreach (var dir in Directory.GetDirectories(root))
        {
            foreach (var (name, bytes) in CorpusMessages.Enumerate(dir))
            {
                MimeMessage message;
                try
                {
                    message = MimeMessage.Load(new MemoryStream(bytes));
                }
                catch (FormatException)
                {
                    continue;
                }
                foreach (var header in message.Headers)
                {
                    headers++;
                    var raw = System.Text.Encoding.Latin1.GetString(header.RawValue).Replace("\r", "").Replace("\n", "").Trim();
                    var value = MessageConverter.DecodedValue(header, raw, System.Text.Ascii.IsValid(header.RawValue));
                    if (ReferenceEquals(value, raw)) shortcut++;
                    if (value != (header.Value?.Trim() ?? "")) differences.Add($"{Path.GetFileName(dir)}/{name} {header.Field}: '{value}' vs '{header.Value}'");
                }
            }
        }
        TestContext.Out.WriteLine($"{headers} headers, {shortcut} read without MimeKit's decoder");
        Assert.Multiple(() =>
        {
            Assert.That(differences, Is.Empty);
            Assert.That(shortcut, Is.GreaterThan(headers / 2), "most headers are plain ASCII");
        });
    }
}
