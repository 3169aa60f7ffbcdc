using System.Text;
using MimeKit;
using MimeKit.Encodings;
using TicketWorker.Mail.Reading;
using TicketWorker.Tests.Mail.Reading.Corpora;

namespace TicketWorker.Tests.Mail.Reading;

/// <summary>
/// The fast quoted-printable decoder gives MimeKit's bytes for every input, malformed ones included,
/// however the input is cut into chunks.
/// </summary>
public class QuotedPrintableTests
{
    // Input and the bytes MimeKit gives for it (Latin-1, one char a byte), so a MimeKit upgrade that changes a rule shows here.
    [TestCase("", "")]
    [TestCase("plain text, nothing to decode", "plain text, nothing to decode")]
    [TestCase("caf=C3=A9", "caf\u00C3\u00A9")]
    [TestCase("caf=c3=a9 and =Ab", "caf\u00C3\u00A9 and \u00AB")]
    [TestCase("=3D=0D=0A=00", "=\r\n\0")]
    [TestCase("soft=\r\nbreak", "softbreak")]
    [TestCase("soft=\nbreak", "softbreak")]
    [TestCase("=\r\n=\r\n=\n", "")]
    [TestCase("space before break= \r\nnext", "space before break= \r\nnext")]
    [TestCase("tab before break=\t\r\nnext", "tab before break=\t\r\nnext")]
    [TestCase("trailing whitespace  \t\r\nkept", "trailing whitespace  \t\r\nkept")]
    [TestCase("lone\rcr and lone\nlf", "lone\rcr and lone\nlf")]
    [TestCase("=\rx", "=\rx")]
    [TestCase("=\r=41", "=\r=41")]
    [TestCase("=\r\r\n", "=\r\r\n")]
    [TestCase("=G1 not hex", "=G1 not hex")]
    [TestCase("=4G half hex", "=4G half hex")]
    [TestCase("=4=41", "=4=41")]
    [TestCase("=4\r\n", "=4\r\n")]
    [TestCase("==41", "=A")]
    [TestCase("===", "==")]
    [TestCase("=\n\n", "\n")]
    [TestCase("raw high bytes \u00E9\u00FF pass", "raw high bytes \u00E9\u00FF pass")]
    [TestCase("ends with =", "ends with ")]
    [TestCase("ends with =4", "ends with ")]
    [TestCase("ends with =\r", "ends with ")]
    [TestCase("ends with ==", "ends with =")]
    public void AnEdgeCaseDecodesAsMimeKitDecodesItInAnyChunking(string input, string mimeKitOutput)
    {
        var bytes = Encoding.Latin1.GetBytes(input);
        Assert.That(Encoding.Latin1.GetString(MimeKitDecode(bytes, [])), Is.EqualTo(mimeKitOutput), "MimeKit's own output");

        for (var chunk = 1; chunk <= Math.Max(1, bytes.Length); chunk++)
        {
            var sizes = Enumerable.Repeat(chunk, bytes.Length / chunk + 1).ToArray();
            Assert.That(Encoding.Latin1.GetString(Decode(bytes, sizes)), Is.EqualTo(mimeKitOutput), $"in chunks of {chunk}");
        }
    }

    [TestCase(int.MaxValue)]
    [TestCase(64)]
    [TestCase(7)]
    [TestCase(3)]
    [TestCase(2)]
    [TestCase(1)]
    public void EveryQuotedPrintablePartOfTheCorpusDecodesAsMimeKitDecodesIt(int chunk)
    {
        var parts = CorpusQuotedPrintableParts();
        var mismatches = new List<string>();

        foreach (var (name, raw) in parts)
        {
            var sizes = Enumerable.Repeat(chunk, chunk == int.MaxValue ? 1 : raw.Length / chunk + 1).ToArray();
            var expected = MimeKitDecode(raw, sizes);
            var actual = Decode(raw, sizes);
            if (!actual.AsSpan().SequenceEqual(expected)) mismatches.Add($"{name}: {FirstDifference(expected, actual)}");
        }

        TestContext.Out.WriteLine($"{parts.Count} quoted-printable parts, {parts.Sum(p => p.Raw.Length):N0} bytes, in chunks of {chunk}");
        Assert.That(parts, Has.Count.GreaterThanOrEqualTo(100), "quoted-printable parts in the corpus");
        Assert.That(mismatches, Is.Empty);
    }

    [Test]
    public async Task PartContentReadsEveryQuotedPrintablePartOfTheCorpusAsMimeKitDecodesIt()
    {
        var mismatches = new List<string>();
        var count = 0;

        foreach (var (name, part) in CorpusParts())
        {
            count++;
            var expected = MimeKitDecode(RawBytes(part), []);
            var actual = await PartContent.ReadDecodedAsync(part, int.MaxValue, CancellationToken.None);
            if (!actual.AsSpan().SequenceEqual(expected)) mismatches.Add($"{name}: {FirstDifference(expected, actual)}");
            Assert.That(await PartContent.DecodedSizeAsync(part, CancellationToken.None), Is.EqualTo(expected.Length), $"{name}: decoded size");
        }

        Assert.That(count, Is.GreaterThanOrEqualTo(100), "quoted-printable parts in the corpus");
        Assert.That(mismatches, Is.Empty);
    }

    [Test]
    public void RandomInputsInRandomChunksDecodeAsMimeKitDecodesThem()
    {
        // Weighted towards what makes escapes go wrong: "=", hex digits of both cases, near-hex letters, whitespace, CR, LF, 8-bit bytes.
        var alphabet = Encoding.Latin1.GetBytes("=====0123456789ABCDEFabcdefGgxz  \t\t\r\r\r\n\n\n\u0080\u00C3\u00E9\u00FF");
        var random = new Random(2045);
        var mismatches = new List<string>();

        for (var k = 0; k < 2000; k++)
        {
            var input = new byte[random.Next(0, 200)];
            for (var i = 0; i < input.Length; i++) input[i] = alphabet[random.Next(alphabet.Length)];
            var sizes = new List<int>();
            for (var left = input.Length; left > 0;)
            {
                var size = random.Next(1, Math.Min(left, 40) + 1);
                sizes.Add(size);
                left -= size;
            }
            var expected = MimeKitDecode(input, [.. sizes]);
            var actual = Decode(input, [.. sizes]);
            if (!actual.AsSpan().SequenceEqual(expected))
                mismatches.Add($"{Show(input)} in chunks [{string.Join(",", sizes)}]: {FirstDifference(expected, actual)}");
        }

        Assert.That(mismatches, Is.Empty);
    }

    [Test]
    public void AnOutputWithoutRoomForACarriedEscapeIsRefused()
    {
        var decoder = new QuotedPrintable();
        decoder.Decode("=4"u8, new byte[QuotedPrintable.MaxOutputLength(2)]);

        Assert.Throws<ArgumentException>(() => decoder.Decode("x"u8, new byte[2]));
        Assert.That(decoder.Decode("x"u8, new byte[3]), Is.EqualTo(3));
    }

    /// <summary>MimeKit's decoder over the input cut at <paramref name="sizes"/> (the rest as one chunk).</summary>
    private static byte[] MimeKitDecode(byte[] input, int[] sizes)
    {
        var decoder = new QuotedPrintableDecoder();
        using var output = new MemoryStream();
        foreach (var (start, length) in Chunks(input.Length, sizes))
        {
            var buffer = new byte[decoder.EstimateOutputLength(length)];
            output.Write(buffer, 0, decoder.Decode(input, start, length, buffer));
        }
        return output.ToArray();
    }

    private static byte[] Decode(byte[] input, int[] sizes)
    {
        var decoder = new QuotedPrintable();
        using var output = new MemoryStream();
        foreach (var (start, length) in Chunks(input.Length, sizes))
        {
            var buffer = new byte[QuotedPrintable.MaxOutputLength(length)];
            output.Write(buffer, 0, decoder.Decode(input.AsSpan(start, length), buffer));
        }
        return output.ToArray();
    }

    private static IEnumerable<(int Start, int Length)> Chunks(int total, int[] sizes)
    {
        var start = 0;
        foreach (var size in sizes)
        {
            if (start >= total) yield break;
            var length = Math.Min(size, total - start);
            yield return (start, length);
            start += length;
        }
        if (start < total) yield return (start, total - start);
    }

    private static List<(string Name, byte[] Raw)> CorpusQuotedPrintableParts()
    {
        var parts = new List<(string, byte[])>();
        foreach (var (name, part) in CorpusParts()) parts.Add((name, RawBytes(part)));
        return parts;
    }

    /// <summary>The content as sent (still quoted-printable).</summary>
    private static byte[] RawBytes(MimePart part)
    {
        var stream = part.Content!.Stream!;
        stream.Seek(0, SeekOrigin.Begin);
        using var raw = new MemoryStream();
        stream.CopyTo(raw);
        return raw.ToArray();
    }

    private static IEnumerable<(string Name, MimePart Part)> CorpusParts()
    {
        foreach (var (name, bytes) in CorpusMessages.Enumerate(Corpus.Require("")))
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
            var index = 0;
            foreach (var part in message.BodyParts.OfType<MimePart>())
            {
                index++;
                if (part.ContentTransferEncoding == ContentEncoding.QuotedPrintable && part.Content?.Stream is not null)
                    yield return ($"{name} part {index}", part);
            }
        }
    }

    private static string FirstDifference(byte[] expected, byte[] actual)
    {
        var at = expected.AsSpan().CommonPrefixLength(actual);
        return $"MimeKit gives {expected.Length} bytes, ours {actual.Length}; first difference at {at}: " +
            $"MimeKit {Show(expected.AsSpan(at, Math.Min(20, expected.Length - at)))} ours {Show(actual.AsSpan(at, Math.Min(20, actual.Length - at)))}";
    }

    private static string Show(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder("\"");
        foreach (var b in bytes)
            text.Append(b switch { (byte)'\r' => "\\r", (byte)'\n' => "\\n", (byte)'\t' => "\\t", < 0x20 or >= 0x7F => $"\\x{b:X2}", _ => ((char)b).ToString() });
        return text.Append('"').ToString();
    }
}
