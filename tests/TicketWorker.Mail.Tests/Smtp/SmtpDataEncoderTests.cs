using System.Text;
using TicketWorker.Mail.Smtp;

namespace TicketWorker.Mail.Tests.Smtp;

public class SmtpDataEncoderTests
{
    [TestCase("a\r\nb\r\n", "a\r\nb\r\n.\r\n")]
    [TestCase("a\nb", "a\r\nb\r\n.\r\n")]
    [TestCase("a\rb\r\n", "a\r\nb\r\n.\r\n")]
    [TestCase(".x\r\n", "..x\r\n.\r\n")]
    [TestCase("x\r\n.\r\n", "x\r\n..\r\n.\r\n")]
    [TestCase("x.y\r\n. z\r\n", "x.y\r\n.. z\r\n.\r\n")]
    [TestCase("", ".\r\n")]
    public void EncodesLineEndingsDotsAndTheTerminator(string input, string expected)
    {
        Assert.That(EncodeInChunks(input, int.MaxValue), Is.EqualTo(expected));
    }

    [Test]
    public void ChunkBoundariesInsideCrlfOrBeforeADotChangeNothing()
    {
        const string input = "line one\r\n.dot\r\nx\r\n..\r\nend";
        var whole = EncodeInChunks(input, int.MaxValue);

        for (var size = 1; size <= input.Length; size++)
        {
            Assert.That(EncodeInChunks(input, size), Is.EqualTo(whole), $"chunk size {size}");
        }
    }

    private static string EncodeInChunks(string input, int chunkSize)
    {
        var bytes = Encoding.ASCII.GetBytes(input);
        var encoder = new SmtpDataEncoder();
        var output = new StringBuilder();
        var buffer = new byte[SmtpDataEncoder.MaxOutputLength(Math.Max(bytes.Length, 1)) + 8];
        for (var offset = 0; offset < bytes.Length; offset += chunkSize)
        {
            var chunk = bytes.AsSpan(offset, Math.Min(chunkSize, bytes.Length - offset));
            output.Append(Encoding.ASCII.GetString(buffer, 0, encoder.Encode(chunk, buffer)));
        }

        output.Append(Encoding.ASCII.GetString(buffer, 0, encoder.Complete(buffer)));
        return output.ToString();
    }
}
