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
