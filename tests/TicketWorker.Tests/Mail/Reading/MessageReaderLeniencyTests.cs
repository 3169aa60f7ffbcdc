using System.Text;
using TicketWorker.Mail.Reading;

namespace TicketWorker.Tests.Mail.Reading;

/// <summary>What the reading layer adds to MimeKit used plainly (issue 10, "measured differences").</summary>
public class MessageReaderLeniencyTests
{
    [Test]
    public async Task MessageWhoseFirstLineIsBlankIsReadWithItsHeaders()
    {
        var message = await ReadingFixture.ReadAsync("blank-first-line.eml");

        Assert.That(message.From.Single().Address, Is.EqualTo("ann@example.org"));
        Assert.That(message.Subject, Is.EqualTo("Starts with a blank line"));
        Assert.That(message.MessageId, Is.EqualTo("blank-1@example.org"));
        Assert.That(message.TextBody, Is.EqualTo("The first line of this file is empty.\n"));
    }

    [Test]
    public async Task JunkBeforeHeadersAndBrokenWrappingAreTolerated()
    {
        var message = await ReadingFixture.ReadAsync("junk-before-headers.eml");

        Assert.That(message.Headers[0].Name, Is.EqualTo("From"));
        Assert.That(message.From.Single(), Is.EqualTo(new ReadAddress("Stray Indent", "stray@example.com")));
        Assert.That(message.Subject, Is.EqualTo("Broken header wrapping continues here this line lost its indentation"));
        Assert.That(message.Headers["X-Note"], Is.EqualTo("something Header Without Colon"));
        Assert.That(message.Headers.GetAll("Content-Type").Count(), Is.EqualTo(2));
        Assert.That(message.TextBody, Is.EqualTo("Body survives."));
    }

    [Test]
    public async Task TextWithoutAnyHeaderIsOneBody()
    {
        var message = await ReadingFixture.ReadAsync("no-headers.eml");

        Assert.That(message.Headers, Is.Empty);
        Assert.That(message.TextBody, Is.EqualTo("Hello, this message lost all of its header fields.\nPlease call me back.\n"));
    }

    [Test]
    public void EmptyInputIsNotMail()
    {
        var e = Assert.ThrowsAsync<MessageReadException>(() => ReadingFixture.ReadBytesAsync([]));
        Assert.That(e!.Message, Does.Contain("empty"));
    }

    [Test]
    public void BinaryWithoutHeaderFieldsIsNotMail()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[10] = 0;
        Assert.ThrowsAsync<MessageReadException>(() => ReadingFixture.ReadBytesAsync(bytes));
    }

    [Test]
    public async Task Utf7BodySubjectAndNameDecode()
    {
        var message = await ReadingFixture.ReadAsync("utf7.eml");

        Assert.That(message.TextBody, Is.EqualTo("Grüße aus Köln\n"));
        Assert.That(message.Subject, Is.EqualTo("Grüße"));
        Assert.That(message.From.Single().Name, Is.EqualTo("Jürgen"));
    }

    [Test]
    public async Task Windows1256BodyDecodes()
    {
        var message = await ReadingFixture.ReadAsync("windows-1256.eml");

        Assert.That(message.TextBody, Is.EqualTo("مرحبا، أين طلبي؟\n"));
    }

    [Test]
    public async Task Iso88597QuotedPrintableBodyAndSubjectDecode()
    {
        var message = await ReadingFixture.ReadAsync("iso-8859-7-qp.eml");

        Assert.That(message.Subject, Is.EqualTo("Παραγγελία"));
        Assert.That(message.TextBody, Is.EqualTo("Καλημέρα, η παραγγελία μου;\n"));
    }

    [Test]
    public async Task Koi8RBodyAndRaw8BitHeadersDecodeInTheDeclaredCharset()
    {
        // The sender's client wrote the name and subject in KOI8-R without encoded words; the
        // charset the message declares for its text is the best guess for them (not Latin-1).
        var message = await ReadingFixture.ReadAsync("koi8-r-8bit-headers.eml");

        Assert.That(message.TextBody, Is.EqualTo("Здравствуйте, где мой заказ?\n"));
        Assert.That(message.Subject, Is.EqualTo("Заказ не пришёл"));
        Assert.That(message.From.Single().Name, Is.EqualTo("Иван Петров"));
        Assert.That(message.Headers["Subject"], Is.EqualTo("Заказ не пришёл"));
    }

    [Test]
    public async Task Raw8BitHeadersAreUtf8WhenValidElseTheFallbackWhenTheDeclaredCharsetCannotHoldThem()
    {
        var message = await ReadingFixture.ReadAsync("raw-8bit-headers-chinese.eml");

        Assert.That(message.Headers["Subject"], Is.EqualTo("订单问题 – 请帮忙"));
        Assert.That(message.Headers["X-Legacy"], Is.EqualTo("Grüße aus Köln"));
    }

    [Test]
    public async Task Base64WithATruncatedLastGroupKeepsItsTail()
    {
        var message = await ReadingFixture.ReadAsync("truncated-base64.eml");

        Assert.That(message.TextBody, Is.EqualTo("hello world"));
    }

    [Test]
    public async Task EightBitBytesInsideAnEncodedWordAreDecodedOnce()
    {
        var message = await ReadingFixture.ReadAsync("8bit-in-encoded-word.eml");

        Assert.That(message.Subject, Is.EqualTo("Grüße"));
    }

    [Test]
    public async Task JunkFirstFromEntryIsNotTheSender()
    {
        var message = await ReadingFixture.ReadAsync("junk-first-from.eml");

        Assert.That(message.From[0].Address, Is.EqualTo("ann@example.org"));
        Assert.That(message.From[0].Name, Is.EqualTo("Ann Lee"));
    }

    [Test]
    public async Task BareWordBeforeTheRealAddressIsNotTheSender()
    {
        var message = await ReadingFixture.ReadTextAsync("From: nobody, Ann <ann@example.org>\r\nSubject: s\r\n\r\nx");

        Assert.That(message.From[0].Address, Is.EqualTo("ann@example.org"));
    }

    [Test]
    public async Task NullSenderWithANameKeepsTheName()
    {
        var message = await ReadingFixture.ReadTextAsync("From: MAILER-DAEMON <>\r\nSubject: Mail delivery failed\r\n\r\nx");

        Assert.That(message.From.Single(), Is.EqualTo(new ReadAddress("MAILER-DAEMON", "")));
    }

    [Test]
    public async Task PartHeaderWrappedWithoutIndentStillNamesItsBoundary()
    {
        // Exchange bounces wrap "Content-Type: multipart/alternative;" and put "boundary=…" on a
        // line of its own without indentation; MimeKit alone ends the part header there.
        var message = await ReadingFixture.ReadTextAsync(
            "Subject: bounce\r\nContent-Type: multipart/report; report-type=delivery-status;\r\n boundary=\"outer\"\r\n\r\n" +
            "--outer\r\nContent-Type: multipart/alternative; differences=Content-Type;\r\nboundary=\"inner\"\r\n\r\n" +
            "--inner\r\nContent-Type: text/plain\r\n\r\nDelivery has failed.\r\n--inner\r\nContent-Type: text/html\r\n\r\n<p>Delivery has failed.</p>\r\n--inner--\r\n" +
            "--outer\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; x@example.com\r\nAction: failed\r\n--outer--\r\n");

        Assert.That(message.TextBody, Is.EqualTo("Delivery has failed."));
        Assert.That(message.DeliveryStatus, Does.Contain("Action: failed"));
    }

    [Test]
    public async Task BoundaryLineWithTrailingJunkStillDelimits()
    {
        // RFC 2046 §5.1.1: the boundary need only appear in its entirety at the start of the line.
        var message = await ReadingFixture.ReadTextAsync(
            "Subject: junk\r\nContent-Type: multipart/mixed; boundary=j\r\n\r\n--j ignored junk\r\nContent-Type: text/plain\r\n\r\none\r\n" +
            "--j\tmore junk\r\nContent-Type: application/pdf; name=a.pdf\r\n\r\nPDF\r\n--j-- also ignored\r\nepilogue\r\n");

        Assert.That(message.TextBody, Is.EqualTo("one"));
        Assert.That(message.Attachments.Single().FileName, Is.EqualTo("a.pdf"));
    }

    [Test]
    public async Task MessageFromAPipeIsReadLikeAFile()
    {
        var bytes = await File.ReadAllBytesAsync(ReadingFixture.PathOf("nested-mixed.eml"));
        await using var pipe = new NonSeekableStream(new MemoryStream(bytes));

        var message = await MessageReader.ReadAsync(pipe);

        Assert.That(message.Subject, Is.EqualTo("Bestellung mit Anhang"));
        Assert.That(message.Attachments, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task ReadingStartsAtTheStreamPosition()
    {
        var prefix = Encoding.ASCII.GetBytes("ignored prefix");
        var mail = Encoding.ASCII.GetBytes("Subject: positioned\r\n\r\nbody");
        using var stream = new MemoryStream([.. prefix, .. mail]) { Position = prefix.Length };

        var message = await MessageReader.ReadAsync(stream);

        Assert.That(message.Subject, Is.EqualTo("positioned"));
        Assert.That(message.RawSize, Is.EqualTo(mail.Length));
    }

    private sealed class NonSeekableStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
