using System.Text;
using MimeKit;
using TicketWorker.Mail.Reading;

namespace TicketWorker.Tests.Mail.Reading;

/// <summary>The decoded content of attachments, opened while the raw message is read (for relaying them).</summary>
public class AttachmentContentsTests
{
    private static async Task<byte[]> ReadAllAsync(Stream s)
    {
        using var copy = new MemoryStream();
        await s.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Test]
    public async Task EveryPartOfTheFixtureOpensToItsDecodedBytesAndAnEmbeddedMessageToItsWholeText()
    {
        var path = ReadingFixture.PathOf("attachment-kinds.eml");
        using var mime = await MimeMessage.LoadAsync(path);
        await using var file = File.OpenRead(path);
        var results = await MessageReader.ReadWithContentsAsync(file, async (message, contents) =>
        {
            var list = new List<(ReadAttachment, byte[])>();
            foreach (var a in message.Attachments)
            {
                await using var s = await contents.OpenAsync(a);
                Assert.That(s, Is.Not.Null, a.ToString());
                Assert.That(s!.CanSeek, Is.True);
                list.Add((a, await ReadAllAsync(s)));
            }
            return list;
        });

        foreach (var (attachment, bytes) in results)
            Assert.That(bytes.LongLength, Is.EqualTo(attachment.Size), $"{attachment}: the decoded size the reader reported");
        var png = results.Single(r => r.Item1.ContentType == "image/png").Item2;
        using var expected = new MemoryStream();
        await mime.BodyParts.OfType<MimePart>().Single(p => p.ContentType.IsMimeType("image", "png")).Content!.DecodeToAsync(expected);
        Assert.That(png, Is.EqualTo(expected.ToArray()));
        var eml = results.Single(r => r.Item1.ContentType == "message/rfc822").Item2;
        Assert.That(Encoding.UTF8.GetString(eml), Does.Contain("Subject: The forwarded one"));
    }

    [Test]
    public async Task ASmallAttachmentIsDecodedInMemoryAndALargeOneToATemporaryFile()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "two.eml");
        var small = new byte[100_000];
        var large = new byte[(int)AttachmentContents.InMemoryLimit];
        new Random(5).NextBytes(small);
        new Random(6).NextBytes(large);
        string Part(string name, byte[] bytes) =>
            $"--b\r\nContent-Type: application/octet-stream; name={name}\r\nContent-Disposition: attachment; filename={name}\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks) + "\r\n";
        await File.WriteAllTextAsync(path, "From: a@example.test\r\nSubject: two\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n" + Part("small.bin", small) + Part("large.bin", large) + "--b--\r\n");

        await using var file = File.OpenRead(path);
        var opened = await MessageReader.ReadWithContentsAsync(file, async (message, contents) =>
        {
            var list = new List<(Type, byte[])>();
            foreach (var a in message.Attachments)
            {
                await using var s = await contents.OpenAsync(a);
                list.Add((s!.GetType(), await ReadAllAsync(s)));
            }
            return list;
        });

        // Base64 makes the large one's encoded form larger than the limit: it goes to a file that deletes itself.
        Assert.That(opened[0].Item1, Is.EqualTo(typeof(MemoryStream)));
        Assert.That(opened[0].Item2, Is.EqualTo(small));
        Assert.That(opened[1].Item1, Is.EqualTo(typeof(FileStream)));
        Assert.That(opened[1].Item2, Is.EqualTo(large));
    }

    [Test]
    public async Task AUuencodedBlockOfTheTextHasNoPartToOpen()
    {
        await using var file = File.OpenRead(ReadingFixture.PathOf("uuencoded-in-text.eml"));
        var opened = await MessageReader.ReadWithContentsAsync(file, async (message, contents) =>
        {
            Assert.That(message.Attachments, Is.Not.Empty);
            return await contents.OpenAsync(message.Attachments[0]);
        });
        Assert.That(opened, Is.Null);
    }

    [Test]
    public async Task AnAttachmentThatIsNotOfThisMessageIsNotOpened()
    {
        await using var file = File.OpenRead(ReadingFixture.PathOf("attachment-kinds.eml"));
        var stranger = new ReadAttachment("x.pdf", "application/pdf", 1, null, false);
        Assert.That(await MessageReader.ReadWithContentsAsync(file, (_, contents) => contents.OpenAsync(stranger)), Is.Null);
    }

    [Test]
    public async Task A20MegabyteAttachmentIsDecodedWithoutHoldingItInMemory()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "big.eml");
        var content = new byte[3 * 1024 * 1024];
        new Random(3).NextBytes(content);
        await using (var w = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\r\n" })
        {
            await w.WriteAsync("From: a@example.test\r\nSubject: big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\n"
                + "Content-Type: application/octet-stream; name=big.bin\r\nContent-Disposition: attachment; filename=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n");
            var chunk = Convert.ToBase64String(content, Base64FormattingOptions.InsertLineBreaks);
            // The same 3 MB seven times: 21 MB decoded (3 MB is a multiple of 3, so the base64 blocks concatenate).
            for (var i = 0; i < 7; i++) await w.WriteAsync(chunk + "\r\n");
            await w.WriteAsync("--b--\r\n");
        }

        await using var file = File.OpenRead(path);
        var (length, allocated) = await MessageReader.ReadWithContentsAsync(file, async (message, contents) =>
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            await using var s = (await contents.OpenAsync(message.Attachments.Single()))!;
            var after = GC.GetTotalAllocatedBytes(precise: true);
            return (s.Length, after - before);
        });
        Assert.That(length, Is.EqualTo(7L * content.Length));
        Assert.That(allocated, Is.LessThan(4 * 1024 * 1024), "decoded through a temporary file, not into memory");
    }
}
