using System.Text;
using TicketWorker.Mail.Reading;

namespace TicketWorker.Tests.Mail.Reading;

/// <summary>Counting the decoded size of base64 (an attachment's size, read without decoding it) agrees with decoding it.</summary>
public class LenientBase64Tests
{
    [Test]
    public void CountingGivesTheSizeDecodingGivesWhateverTheInputAndItsChunks()
    {
        var random = new Random(15);
        for (var round = 0; round < 2_000; round++)
        {
            var input = Encoding.ASCII.GetBytes(RandomBase64(random));
            var chunks = Chunks(random, input.Length);

            var decoder = new LenientBase64();
            var output = new byte[input.Length * 3 / 4 + 3 * (chunks.Count + 1)];
            var decoded = 0;
            foreach (var (start, length) in chunks) decoded += decoder.Decode(input.AsSpan(start, length), output.AsSpan(decoded));
            decoded += decoder.Flush(output.AsSpan(decoded));

            var counter = new LenientBase64();
            long counted = 0;
            foreach (var (start, length) in Chunks(random, input.Length)) counted += counter.Count(input.AsSpan(start, length));
            counted += counter.CountFlush();

            Assert.That(counted, Is.EqualTo(decoded), Encoding.ASCII.GetString(input));
        }
    }

    [Test]
    public void CountsAGroupCutShortAndGoesOnAfterPadding()
    {
        var counter = new LenientBase64();
        // "TWFu" = 3 bytes, "TQ==" = 1 byte, then a second block "TWE" cut short = 2 bytes; line breaks and junk skipped.
        var counted = counter.Count("TWFu\r\nTQ==\r\n*TWE"u8) + counter.CountFlush();
        Assert.That(counted, Is.EqualTo(6));
    }

    // Lines of base64 as mail carries them, with what real mail adds: padding mid-stream (concatenated blocks), groups cut
    // short, characters outside the alphabet, lines of any length.
    private static string RandomBase64(Random random)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var sb = new StringBuilder();
        var length = random.Next(0, 600);
        while (sb.Length < length)
        {
            var pick = random.Next(100);
            sb.Append(pick switch
            {
                < 80 => alphabet[random.Next(alphabet.Length)].ToString(),
                < 88 => "\r\n",
                < 92 => "=",
                < 96 => " ",
                _ => ((char)random.Next(0, 128)).ToString(),
            });
        }
        return sb.ToString();
    }

    private static List<(int Start, int Length)> Chunks(Random random, int total)
    {
        var chunks = new List<(int, int)>();
        for (var at = 0; at < total;)
        {
            var length = Math.Min(total - at, random.Next(1, 200));
            chunks.Add((at, length));
            at += length;
        }
        return chunks;
    }
}
