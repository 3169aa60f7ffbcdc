using System.Text;
using TicketWorker.Mail.Mime;

namespace TicketWorker.Mail.Tests.Mime;

public class MimeMessageTests
{
    [Test]
    public async Task EnvelopeFieldsAreDecoded()
    {
        using var message = await Fixture.ParseAsync("nested-mixed.eml");

        Assert.That(message.From, Is.EqualTo(new[] { new MailboxAddress("Müller, Hans", "hans@example.de") }));
        Assert.That(message.To.Select(a => a.Address), Is.EqualTo(new[] { "support@example.org", "second@example.org" }));
        Assert.That(message.Cc.Single().Address, Is.EqualTo("cc@example.org"));
        Assert.That(message.Subject, Is.EqualTo("Bestellung mit Anhang"));
        Assert.That(message.Date, Is.EqualTo(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(1))));
        Assert.That(message.MessageId, Is.EqualTo("nested-1@example.de"));
    }

    [Test]
    public async Task PersianSubjectSenderAndBodyAreDecoded()
    {
        using var message = await Fixture.ParseAsync("alternative-persian.eml");

        Assert.That(message.Subject, Is.EqualTo("درخواست پشتیبانی"));
        Assert.That(message.From.Single().Name, Is.EqualTo("علی رضایی"));
        Assert.That(message.TextBody, Is.EqualTo("سلام، لطفا به درخواست من رسیدگی کنید.\nبا تشکر\n"));
        Assert.That(message.HtmlBody, Does.Contain("<p>با تشکر</p>"));
    }

    [Test]
    public async Task AlternativePrefersPlainTextAndFindsHtmlInsideRelated()
    {
        using var message = await Fixture.ParseAsync("nested-mixed.eml");

        Assert.That(message.TextBody, Is.EqualTo("Hallo, anbei die Bestellung für März."));
        Assert.That(message.HtmlBody, Does.Contain("Bestellung für März"));
    }

    [Test]
    public async Task AttachmentsCarryNameTypeSizeContentIdAndContent()
    {
        using var message = await Fixture.ParseAsync("nested-mixed.eml");

        Assert.That(message.Attachments, Has.Count.EqualTo(2));
        var logo = message.Attachments[0];
        Assert.That(logo.IsInline, Is.True);
        Assert.That(logo.ContentId, Is.EqualTo("logo@example.de"));
        Assert.That(logo.Size, Is.EqualTo(40));
        var pdf = message.Attachments[1];
        Assert.That(pdf.FileName, Is.EqualTo("Rechnung März.pdf"));
        Assert.That(pdf.ContentType.MimeType, Is.EqualTo("application/pdf"));
        Assert.That(pdf.IsInline, Is.False);
        using var reader = new StreamReader(pdf.OpenRead());
        Assert.That(await reader.ReadToEndAsync(), Does.StartWith("%PDF-1.4"));
    }

    [Test]
    public async Task RussianQuotedPrintableBodyAndForwardedMessageAttachment()
    {
        using var message = await Fixture.ParseAsync("forwarded-russian.eml");

        Assert.That(message.Subject, Is.EqualTo("Fwd: Пересланное письмо"));
        Assert.That(message.TextBody, Is.EqualTo("Здравствуйте! Прошу помочь с заказом 123.\nСпасибо."));
        var forwarded = message.Attachments.Single();
        Assert.That(forwarded.FileName, Is.EqualTo("Пересланное письмо.eml"));
        Assert.That(forwarded.Message?.Subject, Is.EqualTo("Пересланное письмо"));
        Assert.That(forwarded.Size, Is.GreaterThan(100));
    }

    [Test]
    public async Task GreekHtmlOnlyBodyBecomesReadableText()
    {
        using var message = await Fixture.ParseAsync("html-only-greek.eml");

        Assert.That(message.HtmlBody, Does.Contain("<h1>"));
        Assert.That(message.TextBody, Is.EqualTo(
            "Γεια σας\n\nΗ παραγγελία σας & η απόδειξη είναι εδώ.\n\nΓραμμή ένα\nΓραμμή δύο\n\n- Πρώτο\n- Δεύτερο\n\n1. one\n2. two\n\nΣύνολο 42\u00a0€"));
    }

    [Test]
    public async Task ChineseGb2312BodyIsDecoded()
    {
        using var message = await Fixture.ParseAsync("raw-8bit-headers-chinese.eml");

        Assert.That(message.From.Single().Name, Is.EqualTo("王小明"));
        Assert.That(message.TextBody, Is.EqualTo("您好，我的订单还没有到。\n谢谢！\n"));
    }

    [Test]
    public async Task FlowedTextIsJoinedWithDelSp()
    {
        using var message = await Fixture.ParseAsync("flowed-delsp.eml");

        Assert.That(message.TextBody, Is.EqualTo(
            "This is a long paragraph that was wrapped by the sending mail client at seventy-eight columns and must be joined again.\n" +
            ">not a quote because it is space-stuffed\n" +
            "> Quoted text that was also wrapped across two lines.\n" +
            "-- \nSignature\n"));
    }

    [Test]
    public async Task DeliveryReportListsStatusAndReturnedMessageAsAttachments()
    {
        using var message = await Fixture.ParseAsync("dsn-report.eml");

        Assert.That(message.Attachments.Select(a => a.ContentType.MimeType), Is.EqualTo(new[] { "message/delivery-status", "message/rfc822" }));
        Assert.That(message.Attachments[1].FileName, Is.EqualTo("Re_ [#42] Your request.eml"));
    }

    [Test]
    public async Task DeliveryReportExposesStatusAndReturnedMessage()
    {
        using var message = await Fixture.ParseAsync("dsn-report.eml");

        Assert.That(message.DeliveryStatus?.GetText(), Does.Contain("Action: failed"));
        Assert.That(message.ReturnedContent?.EmbeddedMessage?.MessageId, Is.EqualTo("reply-42@example.org"));
    }

    [Test]
    public async Task OrdinaryMessageHasNoDeliveryStatus()
    {
        using var message = await Fixture.ParseAsync("forwarded-russian.eml");

        Assert.That(message.DeliveryStatus, Is.Null);
        Assert.That(message.ReturnedContent, Is.Null);
    }

    [Test]
    public async Task UndeclaredCharsetUsesUtf8WhenValidElseFallback()
    {
        var bytes = Encoding.Latin1.GetBytes("Subject: x\r\n\r\nGr\u00fc\u00dfe");
        using var latin = await Fixture.ParseBytesAsync(bytes);
        using var utf8 = await Fixture.ParseTextAsync("Subject: x\r\n\r\nGrüße");

        Assert.That(latin.TextBody, Is.EqualTo("Grüße"));
        Assert.That(utf8.TextBody, Is.EqualTo("Grüße"));
    }

    [Test]
    public async Task TextAttachmentIsNotTheBody()
    {
        using var message = await Fixture.ParseAsync("boundary-lookalike.eml");

        Assert.That(message.TextBody, Is.EqualTo("First alternative."));
        Assert.That(message.Attachments.Single().FileName, Is.EqualTo("notes.txt"));
    }

    [Test]
    public async Task RelatedRootIsFoundByTypeWhenResourcesComeFirst()
    {
        var text = "Content-Type: multipart/related; type=\"text/html\"; boundary=r\n\n--r\nContent-Type: image/png\nContent-ID: <i>\n\nPNG\n" +
            "--r\nContent-Type: text/html; charset=utf-8\n\n<p>Root <img src=\"cid:i\"></p>\n--r--\n";
        using var message = await Fixture.ParseTextAsync(text);

        Assert.That(message.TextBody, Is.EqualTo("Root"));
        Assert.That(message.Attachments.Single().IsInline, Is.True);
    }

    [Test]
    public async Task InlineTextPartsAroundAnImageAreJoined()
    {
        var text = "Content-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\n\nbefore\n" +
            "--m\nContent-Type: image/jpeg\nContent-Disposition: inline; filename=a.jpg\n\nJPG\n--m\nContent-Type: text/plain\n\nafter\n--m--\n";
        using var message = await Fixture.ParseTextAsync(text);

        Assert.That(message.TextBody, Is.EqualTo("before\nafter"));
        Assert.That(message.Attachments.Single().FileName, Is.EqualTo("a.jpg"));
    }

    [Test]
    public async Task InReplyToAndReferencesAreLists()
    {
        using var message = await Fixture.ParseTextAsync(
            "Message-ID: <c@x>\r\nIn-Reply-To: <b@x>\r\nReferences: <a@x> <b@x>\r\nSender: Bot <bot@x.org>\r\nReply-To: r@x.org\r\n\r\nhi");

        Assert.That(message.InReplyTo, Is.EqualTo(new[] { "b@x" }));
        Assert.That(message.References, Is.EqualTo(new[] { "a@x", "b@x" }));
        Assert.That(message.Sender?.Address, Is.EqualTo("bot@x.org"));
        Assert.That(message.ReplyTo.Single().Address, Is.EqualTo("r@x.org"));
    }
}
