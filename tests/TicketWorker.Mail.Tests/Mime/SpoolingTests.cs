using System.Security.Cryptography;
using System.Text;
using TicketWorker.Mail.Mime;

namespace TicketWorker.Mail.Tests.Mime;

public class SpoolingTests
{
    private string _spoolDir = "";

    [SetUp]
    public void CreateSpoolDirectory()
    {
        _spoolDir = Path.Combine(Path.GetTempPath(), "tw-spool-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_spoolDir);
    }

    [TearDown]
    public void DeleteSpoolDirectory() => Directory.Delete(_spoolDir, recursive: true);

    [Test]
    public async Task FiftyMegabyteAttachmentIsStreamedToDiskNotMemory()
    {
        const int size = 50 * 1024 * 1024;
        var messagePath = Path.Combine(_spoolDir, "big.eml");
        var expectedHash = await WriteMessageWithAttachmentAsync(messagePath, size);
        var options = new MimeParserOptions { SpoolDirectory = _spoolDir };

        var before = GC.GetTotalAllocatedBytes(precise: true);
        MimeMessage message;
        await using (var stream = new FileStream(messagePath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan))
        {
            message = await MimeMessage.ParseAsync(stream, options);
        }
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        using (message)
        {
            TestContext.Out.WriteLine($"Parsing {new FileInfo(messagePath).Length:N0} bytes allocated {allocated:N0} bytes.");
            // Streaming proof: the parser allocates far less than the 67 MB it read.
            Assert.That(allocated, Is.LessThan(20L * 1024 * 1024), $"allocated {allocated:N0} bytes while parsing");
            Assert.That(Directory.GetFiles(_spoolDir, "*.spool"), Has.Length.EqualTo(1));
            var attachment = message.Attachments.Single();
            Assert.That(attachment.FileName, Is.EqualTo("big.bin"));
            Assert.That(attachment.Size, Is.EqualTo(size));
            await using var content = attachment.OpenRead();
            Assert.That(Convert.ToHexString(await SHA256.HashDataAsync(content)), Is.EqualTo(expectedHash));
            Assert.That(message.TextBody, Is.EqualTo("See the attachment."));
        }
        Assert.That(Directory.GetFiles(_spoolDir, "*.spool"), Is.Empty, "Dispose deletes the spool file");
    }

    [Test]
    public async Task ContentAcrossTheSpoolThresholdIsKeptByteForByte()
    {
        var body = string.Concat(Enumerable.Range(0, 400).Select(i => $"line {i} ÄÖÜ\r\n"));
        var text = $"Content-Type: multipart/mixed; boundary=s\r\n\r\n--s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n--s--\r\n";
        var options = new MimeParserOptions { SpoolThreshold = 1024, SpoolDirectory = _spoolDir };

        using var message = await Fixture.ParseTextAsync(text, options);

        Assert.That(Directory.GetFiles(_spoolDir), Has.Length.EqualTo(1));
        var part = message.Body.Children.Single();
        Assert.That(part.GetText(), Is.EqualTo(body));
        Assert.That(part.DecodedSize, Is.EqualTo(Encoding.UTF8.GetByteCount(body)));
        Assert.That(part.GetText(), Is.EqualTo(body), "a spooled part can be read more than once");
    }

    [Test]
    public async Task SmallPartsStayInMemory()
    {
        using var message = await Fixture.ParseAsync("nested-mixed.eml", new MimeParserOptions { SpoolDirectory = _spoolDir });

        Assert.That(message.Attachments, Has.Count.EqualTo(2));
        Assert.That(Directory.GetFiles(_spoolDir), Is.Empty);
    }

    [Test]
    public async Task EmbeddedMessageSpoolFilesAreDeletedWithTheOuterMessage()
    {
        var big = new string('x', 5000);
        var text = $"Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: message/rfc822\n\nSubject: inner\n\n{big}\n--o--\n";
        var options = new MimeParserOptions { SpoolThreshold = 1024, SpoolDirectory = _spoolDir };

        var message = await Fixture.ParseTextAsync(text, options);
        Assert.That(Directory.GetFiles(_spoolDir), Has.Length.EqualTo(2), "the raw message/rfc822 part and the inner body");
        Assert.That(message.Attachments.Single().Message?.Body.GetText(), Is.EqualTo(big));
        message.Dispose();

        Assert.That(Directory.GetFiles(_spoolDir), Is.Empty);
    }

    private static async Task<string> WriteMessageWithAttachmentAsync(string path, int size)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        await using var writer = new StreamWriter(file, new UTF8Encoding(false)) { NewLine = "\r\n" };
        await writer.WriteAsync(
            "From: sender@example.com\r\nTo: support@example.org\r\nSubject: Big attachment\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: multipart/mixed; boundary=\"big-boundary\"\r\n\r\n--big-boundary\r\n" +
            "Content-Type: text/plain; charset=us-ascii\r\n\r\nSee the attachment.\r\n--big-boundary\r\n" +
            "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"big.bin\"\r\n" +
            "Content-Transfer-Encoding: base64\r\n\r\n");
        var random = new Random(1234);
        var chunk = new byte[57 * 1024];
        var written = 0;
        while (written < size)
        {
            var n = Math.Min(chunk.Length, size - written);
            random.NextBytes(chunk.AsSpan(0, n));
            sha.AppendData(chunk, 0, n);
            for (var offset = 0; offset < n; offset += 57)
            {
                await writer.WriteLineAsync(Convert.ToBase64String(chunk, offset, Math.Min(57, n - offset)));
            }
            written += n;
        }
        await writer.WriteAsync("--big-boundary--\r\n");
        return Convert.ToHexString(sha.GetHashAndReset());
    }
}
