using System.Text;
using TicketWorker.Mail.Mime;

namespace TicketWorker.Mail.Tests.Mime;

public class MimeParserTests
{
    [Test]
    public async Task MboxFromLineIsSkippedAndRawUtf8HeadersAreDecoded()
    {
        using var message = await Fixture.ParseAsync("plain-mbox-lf.eml");

        Assert.That(message.Headers[0].Name, Is.EqualTo("Return-Path"));
        Assert.That(message.Headers["From"], Is.EqualTo("Hans Müller <customer@example.com>"));
        Assert.That(message.Headers.Count, Is.EqualTo(8));
        Assert.That(message.Body.GetText(), Does.StartWith("Guten Tag,\n\ndie Rechnung für März").And.EndWith("Hans\n"));
        Assert.That(message.RawSize, Is.EqualTo(new FileInfo(Fixture.PathOf("plain-mbox-lf.eml")).Length));
    }

    [Test]
    public async Task CrlfMultipartKeepsPreambleChildrenAndEpilogue()
    {
        using var message = await Fixture.ParseAsync("alternative-persian.eml");

        Assert.That(message.Body.ContentType.MimeType, Is.EqualTo("multipart/alternative"));
        Assert.That(message.Body.Children.Select(c => c.ContentType.MimeType), Is.EqualTo(new[] { "text/plain", "text/html" }));
        Assert.That(message.Body.Preamble, Does.Contain("multi-part message"));
        Assert.That(message.Body.Epilogue, Does.Contain("Epilogue text."));
        // RFC 2046 §5.1.1: the CRLF before a boundary belongs to the boundary.
        Assert.That(message.Body.Children[1].GetText(), Does.EndWith("</html>"));
    }

    [Test]
    public async Task NestedMultipartTreeIsBuiltInDocumentOrder()
    {
        using var message = await Fixture.ParseAsync("nested-mixed.eml");

        var types = message.AllParts().Select(p => p.ContentType.MimeType).ToArray();
        Assert.That(types, Is.EqualTo(new[]
        {
            "multipart/mixed", "multipart/alternative", "text/plain", "multipart/related", "text/html", "image/png", "application/pdf",
        }));
        Assert.That(message.Body.Preamble, Does.Contain("Preamble for old readers."));
        Assert.That(message.Body.Epilogue, Does.Contain("Epilogue after the last boundary."));
        var image = message.AllParts().Single(p => p.ContentType.MediaType == "image");
        Assert.That(image.ContentId, Is.EqualTo("logo@example.de"));
        Assert.That(image.GetContentBytes(), Is.EqualTo(Enumerable.Range(0, 40).Select(i => (byte)i).ToArray()));
    }

    [Test]
    public async Task BoundaryThatPrefixesAnotherAndTrailingWhitespaceAreHandled()
    {
        using var message = await Fixture.ParseAsync("boundary-lookalike.eml");

        Assert.That(message.Body.Children, Has.Count.EqualTo(2));
        var alternative = message.Body.Children[0];
        Assert.That(alternative.Children.Select(c => c.GetText()), Is.EqualTo(new[] { "First alternative.", "<p>Second alternative.</p>" }));
        Assert.That(message.Body.Children[1].GetText(),
            Is.EqualTo("-- ==b1 is not a boundary here\r\n--=b1 is not one either"));
    }

    [Test]
    public async Task MissingFinalBoundaryEndsTheLastPartAtEndOfInput()
    {
        using var message = await Fixture.ParseAsync("missing-final-boundary.eml");

        Assert.That(message.Body.Children, Has.Count.EqualTo(2));
        Assert.That(message.Body.Children[0].GetText(), Is.EqualTo("The text part."));
        Assert.That(message.Body.Children[1].GetContentBytes(), Is.EqualTo(new byte[] { 0, 1, 2, 3, 4, 5 }));
        Assert.That(message.Body.Epilogue, Is.Null);
    }

    [Test]
    public async Task MultipartWithoutBoundaryParameterIsOneTextPart()
    {
        using var message = await Fixture.ParseAsync("missing-boundary-parameter.eml");

        Assert.That(message.Body.Children, Is.Empty);
        Assert.That(message.Body.ContentType.MimeType, Is.EqualTo("text/plain"));
        Assert.That(message.TextBody, Does.Contain("It should be read as one text part."));
    }

    [Test]
    public async Task MessageRfc822PartIsParsedAsEmbeddedMessage()
    {
        using var message = await Fixture.ParseAsync("forwarded-russian.eml");

        var embedded = message.Body.Children[1].EmbeddedMessage;
        Assert.That(embedded, Is.Not.Null);
        Assert.That(embedded!.Headers["Message-ID"], Is.EqualTo("<inner-ru@example.com>"));
        Assert.That(embedded.Body.GetText(), Is.EqualTo("Ваш заказ отправлен."));
        Assert.That(message.AllParts().Count(), Is.EqualTo(4));
    }

    [Test]
    public async Task DeliveryStatusReportExposesStatusPartAndReturnedMessage()
    {
        using var message = await Fixture.ParseAsync("dsn-report.eml");

        var status = message.Body.FindPart("message", "delivery-status");
        Assert.That(status, Is.Not.Null);
        Assert.That(status!.GetText(), Does.Contain("Status: 5.1.1").And.Contain("Final-Recipient: rfc822; nobody@example.net"));
        var returned = message.Body.FindPart("message", "rfc822")?.EmbeddedMessage;
        Assert.That(returned?.Headers["Message-ID"], Is.EqualTo("<reply-42@example.org>"));
        Assert.That(message.TextBody, Does.StartWith("This is the mail system at host mx.example.org."));
    }

    [Test]
    public async Task SignedMessageContentIsItsFirstPart()
    {
        using var message = await Fixture.ParseAsync("signed.eml");

        Assert.That(message.Body.Children, Has.Count.EqualTo(2));
        Assert.That(message.TextBody, Is.EqualTo("Καλημέρα, χρειάζομαι βοήθεια με την παραγγελία.\nΕυχαριστώ!\n"));
        Assert.That(message.Attachments, Is.Empty, "the signature is not an attachment");
    }

    [Test]
    public async Task RawEightBitHeadersAreUtf8WhenValidElseFallbackCharset()
    {
        using var message = await Fixture.ParseAsync("raw-8bit-headers-chinese.eml");

        Assert.That(message.Headers["Subject"], Is.EqualTo("订单问题 – 请帮忙"));
        Assert.That(message.Headers["X-Legacy"], Is.EqualTo("Grüße aus Köln"));
    }

    [Test]
    public async Task JunkBeforeHeadersAndBrokenWrappingAreTolerated()
    {
        using var message = await Fixture.ParseAsync("junk-before-headers.eml");

        Assert.That(message.Headers[0].Name, Is.EqualTo("From"));
        Assert.That(message.Headers["From"], Is.EqualTo("Stray Indent <stray@example.com>"));
        Assert.That(message.Headers["Subject"], Is.EqualTo("Broken header wrapping continues here this line lost its indentation"));
        Assert.That(message.Headers["X-Note"], Is.EqualTo("something Header Without Colon"));
        Assert.That(message.Headers.GetAll("Content-Type").Count(), Is.EqualTo(2));
        Assert.That(message.Body.Children.Single().GetText(), Is.EqualTo("Body survives."));
    }

    [Test]
    public async Task FoldedHeaderIsUnfoldedKeepingTheWhitespace()
    {
        using var message = await Fixture.ParseTextAsync("Subject: one\r\n two\r\n\tthree\r\nX-Empty:\r\n\r\nbody");

        Assert.That(message.Headers["Subject"], Is.EqualTo("one two\tthree"));
        Assert.That(message.Headers["X-Empty"], Is.EqualTo(""));
        Assert.That(message.Body.GetText(), Is.EqualTo("body"));
    }

    [Test]
    public async Task LinesOfAHeaderBlockThatAreNotFieldsAreDropped()
    {
        var text = "Content-Type: multipart/mixed; boundary=x\n\n--x\nno headers here\n\nbody one\n--x\n\nbody two\n--x--\n";
        using var message = await Fixture.ParseTextAsync(text);

        Assert.That(message.Body.Children.Select(c => c.GetText()), Is.EqualTo(new[] { "body one", "body two" }));
        Assert.That(message.Body.Children[0].Headers, Is.Empty);
    }

    [Test]
    public async Task BoundaryLineWithTrailingJunkStillDelimits()
    {
        // RFC 2046 §5.1.1: the boundary need only appear in its entirety at the start of the line.
        var text = "Content-Type: multipart/mixed; boundary=j\n\n--j ignored junk\n\none\n--j-- also ignored\nepilogue\n";
        using var message = await Fixture.ParseTextAsync(text);

        Assert.That(message.Body.Children.Single().GetText(), Is.EqualTo("one"));
        Assert.That(message.Body.Epilogue, Is.EqualTo("epilogue\n"));
    }

    [Test]
    public async Task EnclosingBoundaryEndsAnInnerMultipartWithoutItsClosingLine()
    {
        var text = "Content-Type: multipart/mixed; boundary=outer\n\n--outer\nContent-Type: multipart/alternative; boundary=inner\n\n" +
            "--inner\n\nfirst\n--outer\n\nsecond\n--outer--\n";
        using var message = await Fixture.ParseTextAsync(text);

        Assert.That(message.Body.Children, Has.Count.EqualTo(2));
        Assert.That(message.Body.Children[0].Children.Single().GetText(), Is.EqualTo("first"));
        Assert.That(message.Body.Children[1].GetText(), Is.EqualTo("second"));
    }

    [Test]
    public async Task MultipartWhoseBoundaryNeverAppearsIsOneTextPart()
    {
        using var message = await Fixture.ParseTextAsync("Content-Type: multipart/mixed; boundary=nowhere\n\njust text\n");

        Assert.That(message.Body.ContentType.MimeType, Is.EqualTo("text/plain"));
        Assert.That(message.TextBody, Is.EqualTo("just text\n"));
    }

    [Test]
    public void EmptyInputIsNotAMessage()
    {
        Assert.That(async () => await Fixture.ParseBytesAsync([]), Throws.TypeOf<MimeParseException>());
    }

    [Test]
    public void BinaryInputWithoutHeadersIsNotAMessage()
    {
        var bytes = new byte[] { 0x50, 0x4b, 0x03, 0x04, 0, 0, 0x14, 0, 0x0a, 0, 0, 0 };
        Assert.That(async () => await Fixture.ParseBytesAsync(bytes), Throws.TypeOf<MimeParseException>());
    }

    [Test]
    public void HeaderBlockOverTheLimitThrows()
    {
        var text = "Subject: " + new string('x', 5000) + "\r\n\r\nbody";
        var options = new MimeParserOptions { MaxHeaderBytes = 1000 };

        Assert.That(async () => await Fixture.ParseTextAsync(text, options),
            Throws.TypeOf<MimeParseException>().With.Message.Contains("MaxHeaderBytes"));
    }

    [Test]
    public async Task NestingBeyondMaxDepthIsKeptAsOpaqueContent()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < 5; i++) sb.Append($"Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n");
        sb.Append("Content-Type: text/plain\n\ndeep\n");
        for (var i = 4; i >= 0; i--) sb.Append($"--b{i}--\n");

        using var message = await Fixture.ParseTextAsync(sb.ToString(), new MimeParserOptions { MaxDepth = 2 });

        var deepest = message.AllParts().Last();
        Assert.That(message.AllParts().Count(), Is.EqualTo(3));
        Assert.That(deepest.ContentType.MimeType, Is.EqualTo("multipart/mixed"));
        Assert.That(deepest.Children, Is.Empty);
        Assert.That(Encoding.ASCII.GetString(deepest.GetContentBytes()), Does.Contain("deep"));
    }

    [Test]
    public async Task LfAndCrlfInputGiveTheSameTree()
    {
        var lf = await File.ReadAllTextAsync(Fixture.PathOf("nested-mixed.eml"));
        using var a = await Fixture.ParseTextAsync(lf);
        using var b = await Fixture.ParseTextAsync(lf.Replace("\n", "\r\n"));

        Assert.That(b.AllParts().Select(p => p.ContentType.MimeType), Is.EqualTo(a.AllParts().Select(p => p.ContentType.MimeType)));
        Assert.That(b.AllParts().Select(p => p.DecodedSize), Is.EqualTo(a.AllParts().Select(p => p.DecodedSize)));
    }

    [Test]
    public async Task LineLongerThanTheReadBufferIsKeptWhole()
    {
        var line = new string('a', 200_000);
        using var message = await Fixture.ParseTextAsync($"Content-Type: multipart/mixed; boundary=z\n\n--z\n\n{line}\n--z--\n");

        Assert.That(message.Body.Children.Single().GetText(), Is.EqualTo(line));
    }

    [Test]
    public async Task DigestPartsDefaultToEmbeddedMessages()
    {
        var text = "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: first\n\none\n--d\n\nSubject: second\n\ntwo\n--d--\n";
        using var message = await Fixture.ParseTextAsync(text);

        Assert.That(message.Body.Children.Select(c => c.EmbeddedMessage?.Headers["Subject"]), Is.EqualTo(new[] { "first", "second" }));
    }

    [Test]
    public async Task MessageGlobalPartIsParsedAsEmbeddedMessage()
    {
        var text = "Content-Type: multipart/mixed; boundary=g\n\n--g\nContent-Type: message/global\n\nSubject: Grüße 你好\n\nbody\n--g--\n";
        using var message = await Fixture.ParseTextAsync(text);

        Assert.That(message.Body.Children[0].EmbeddedMessage?.Headers["Subject"], Is.EqualTo("Grüße 你好"));
    }
}
