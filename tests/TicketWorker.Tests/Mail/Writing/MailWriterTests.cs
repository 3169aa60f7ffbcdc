using System.IO.Pipes;
using System.Text;
using MimeKit;
using TicketWorker.Mail.Writing;

namespace TicketWorker.Tests.Mail.Writing;

public sealed class MailWriterTests
{
    private const string Persian = "سلام مریم، درخواست شما با شماره ۱۲ ثبت شد.";
    private const string Russian = "Здравствуйте, Мария! Ваш запрос получен.";
    private const string Greek = "Γεια σας, Μαρία! Λάβαμε το αίτημά σας.";

    private readonly FakeTime _time = new();

    [TestCase(Persian)]
    [TestCase(Russian)]
    [TestCase(Greek)]
    public async Task NonAsciiMailIsStoredAsSevenBitBytesThatReadBackToTheSameText(string text)
    {
        var written = await Write(new OutgoingMail
        {
            From = new OutgoingAddress("پشتیبانی", "support@example.test"),
            To = [new OutgoingAddress(text[..6], "customer1@example.test")],
            Subject = "[#12] " + text,
            Text = text + "\n" + text + "\n",
            Html = $"<p>{text}</p>",
            Headers = [new("Content-Language", "fa")],
        });

        Assert.That(written.Raw, Is.All.LessThan(0x80), "every byte is 7-bit");
        var message = Parse(written.Raw);
        Assert.That(message.Subject, Is.EqualTo("[#12] " + text));
        Assert.That(message.From.Mailboxes.Single().Name, Is.EqualTo("پشتیبانی"));
        Assert.That(message.To.Mailboxes.Single().Name, Is.EqualTo(text[..6]));
        Assert.That(message.TextBody!.ReplaceLineEndings("\n"), Is.EqualTo(text + "\n" + text + "\n"));
        Assert.That(message.HtmlBody, Is.EqualTo($"<p>{text}</p>"));
        Assert.That(message.BodyParts.OfType<MimePart>().Select(p => p.ContentTransferEncoding),
            Is.All.AnyOf(ContentEncoding.QuotedPrintable, ContentEncoding.Base64));
    }

    [Test]
    public async Task MessageIdIsKeptWhenGivenAndGeneratedOnTheSendersDomainOtherwiseWithTheClocksDate()
    {
        var given = await Write(Minimal() with { MessageId = "<fixed-1@example.test>" });
        var generated = await Write(Minimal() with { MessageIdDomain = "mail.example.test" });
        var fromDomain = await Write(Minimal());

        Assert.That(given.MessageId, Is.EqualTo("fixed-1@example.test"));
        Assert.That(Parse(given.Raw).MessageId, Is.EqualTo("fixed-1@example.test"));
        Assert.That(generated.MessageId, Does.EndWith("@mail.example.test"));
        Assert.That(fromDomain.MessageId, Does.EndWith("@example.test").And.Not.EqualTo(generated.MessageId));
        Assert.That(Parse(generated.Raw).Date, Is.EqualTo(_time.GetUtcNow()));
        Assert.That(generated.Date, Is.EqualTo(_time.GetUtcNow()));
    }

    [Test]
    public async Task TheSameMailWrittenTwiceWithItsFixedIdGivesTheSameBytesExceptBoundaries()
    {
        var mail = Minimal() with { MessageId = "same@example.test", Date = _time.GetUtcNow() };

        var a = await Write(mail);
        var b = await Write(mail);

        Assert.That(a.Raw, Is.EqualTo(b.Raw), "a text-only mail has no boundary");
    }

    [Test]
    public async Task InlineImagesGoIntoMultipartRelatedWithTheHtmlAndFilesIntoMultipartMixed()
    {
        var pdf = new byte[3000];
        new Random(7).NextBytes(pdf);
        var written = await Write(Minimal() with
        {
            Text = "See the logo.",
            Html = "<p>See <img src=\"cid:logo@example.test\"></p>",
            Attachments =
            [
                new("logo.png", "image/png", new MemoryStream([1, 2, 3])) { IsInline = true, ContentId = "<logo@example.test>" },
                new("فاکتور ۱۲ — счёт.pdf", "application/pdf", new MemoryStream(pdf)),
            ],
        });

        Assert.That(written.Raw, Is.All.LessThan(0x80));
        var message = Parse(written.Raw);
        var mixed = (Multipart)message.Body!;
        Assert.That(mixed.ContentType.MimeType, Is.EqualTo("multipart/mixed"));
        var alternative = (MultipartAlternative)mixed[0];
        Assert.That(alternative[0].ContentType.MimeType, Is.EqualTo("text/plain"));
        var related = (MultipartRelated)alternative[1];
        Assert.That((related[0].ContentType.MimeType, related[1].ContentId, related[1].ContentDisposition!.Disposition),
            Is.EqualTo(("text/html", "logo@example.test", ContentDisposition.Inline)));
        var file = (MimePart)mixed[1];
        Assert.That((file.FileName, file.ContentType.MimeType, file.ContentTransferEncoding),
            Is.EqualTo(("فاکتور ۱۲ — счёт.pdf", "application/pdf", ContentEncoding.Base64)));
        Assert.That(Encoding.ASCII.GetString(written.Raw), Does.Match(@"filename\*(0\*)?=utf-8''"), "RFC 2231 file name");
        using var decoded = new MemoryStream();
        await file.Content!.DecodeToAsync(decoded);
        Assert.That(decoded.ToArray(), Is.EqualTo(pdf));
    }

    [Test]
    public async Task AnInlinePartWithoutAnHtmlBodyIsAnOrdinaryAttachment()
    {
        var written = await Write(Minimal() with
        {
            Attachments = [new("logo.png", "image/png", new MemoryStream([1, 2, 3])) { IsInline = true, ContentId = "logo@example.test" }],
        });

        var mixed = (Multipart)Parse(written.Raw).Body!;
        Assert.That((mixed.ContentType.MimeType, mixed.Count), Is.EqualTo(("multipart/mixed", 2)));
    }

    [Test]
    public async Task AnAttachmentFromAStreamThatCannotSeekIsWrittenWhole()
    {
        var content = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
        using var server = new AnonymousPipeServerStream(PipeDirection.Out);
        using var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);
        var feeding = Task.Run(async () =>
        {
            await server.WriteAsync(content);
            server.Dispose();
        });

        var written = await Write(Minimal() with { Attachments = [new("data.bin", "application/octet-stream", client)] });
        await feeding;

        var part = (MimePart)((Multipart)Parse(written.Raw).Body!)[1];
        using var decoded = new MemoryStream();
        await part.Content!.DecodeToAsync(decoded);
        Assert.That(decoded.ToArray(), Is.EqualTo(content));
    }

    [Test]
    public async Task ThreadingAndAutomaticMarkersAreWritten()
    {
        var thread = MailThread.ReplyTo("<c@example.test>", ["<a@example.test>", "<b@example.test>"], ["<b@example.test>"]);
        var written = await Write(Minimal() with
        {
            Thread = thread,
            Headers = [new("Auto-Submitted", "auto-replied"), new("X-Auto-Response-Suppress", "All")],
        });

        var message = Parse(written.Raw);
        Assert.That(message.InReplyTo, Is.EqualTo("c@example.test"));
        Assert.That(message.References, Is.EqualTo(new[] { "a@example.test", "b@example.test", "c@example.test" }));
        Assert.That((message.Headers["Auto-Submitted"], message.Headers["X-Auto-Response-Suppress"]), Is.EqualTo(("auto-replied", "All")));
    }

    [Test]
    public void AReplyChainLongerThanTheLimitKeepsItsRootAndTheMostRecentIds()
    {
        var parents = Enumerable.Range(1, 30).Select(i => $"<m{i}@example.test>").ToList();

        var thread = MailThread.ReplyTo("m31@example.test", parents);

        Assert.That(thread.References, Has.Count.EqualTo(MailThread.MaxReferences));
        Assert.That(thread.References[0], Is.EqualTo("m1@example.test"));
        Assert.That(thread.References[^1], Is.EqualTo("m31@example.test"));
        Assert.That(thread.References[1], Is.EqualTo("m13@example.test"));
    }

    [Test]
    public void AReplyToAMessageWithoutReferencesUsesItsSingleInReplyTo()
    {
        var thread = MailThread.ReplyTo("<c@example.test>", parentReferences: [], parentInReplyTo: ["<b@example.test>"]);

        Assert.That((thread.InReplyTo, thread.References), Is.EqualTo(("c@example.test", new[] { "b@example.test", "c@example.test" })));
    }

    [Test]
    public async Task ALineBreakInTheSubjectCannotStartAnotherHeaderField()
    {
        var written = await Write(Minimal() with { Subject = "Hello\r\nBcc: victim@example.test" });

        var message = Parse(written.Raw);
        Assert.That(message.Headers.Contains("Bcc"), Is.False);
        Assert.That(message.Subject, Is.EqualTo("Hello Bcc: victim@example.test"));
    }

    [Test]
    public void AHeaderTheWriterSetsItselfIsRefused()
    {
        Assert.That(async () => await Write(Minimal() with { Headers = [new("Message-ID", "<x@example.test>")] }), Throws.ArgumentException);
    }

    [TestCase("customer1@example.test", true)]
    [TestCase("support+t12-abc@example.test", true)]
    [TestCase("мария@example.test", false)]
    [TestCase("no-at-sign", false)]
    [TestCase("two@at@example.test", false)]
    public void OnlyAddressesThatCanBeWrittenAsSevenBitMailAreWritable(string address, bool writable)
    {
        Assert.That(OutgoingAddress.IsWritable(address), Is.EqualTo(writable));
    }

    [Test]
    public async Task StoredBytesParsedAndWrittenAsTheSmtpClientDoesAreUnchanged()
    {
        // What OutboxSmtpClient relies on: a persistent parse of the row written again (CRLF) is the row.
        var written = await Write(Minimal() with
        {
            Subject = "Ответ",
            Text = Persian + "\n.\n",
            Html = "<p>" + Greek + "</p>",
            Thread = MailThread.ReplyTo("p@example.test"),
            Attachments = [new("a.txt", "text/plain", new MemoryStream(Encoding.UTF8.GetBytes(Russian)))],
        });

        using var message = await MimeMessage.LoadAsync(new MemoryStream(written.Raw), persistent: true);
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.EnsureNewLine = true;
        using var again = new MemoryStream();
        await message.WriteToAsync(format, again);

        Assert.That(again.ToArray(), Is.EqualTo(written.Raw));
    }

    private static OutgoingMail Minimal() => new()
    {
        From = OutgoingAddress.Of("support@example.test"),
        To = [OutgoingAddress.Of("customer1@example.test")],
        Subject = "Hello",
        Text = "Hello.\n",
    };

    private Task<WrittenMail> Write(OutgoingMail mail) => new MailWriter(_time).WriteAsync(mail);

    private static MimeMessage Parse(byte[] raw) => MimeMessage.Load(new MemoryStream(raw));
}
