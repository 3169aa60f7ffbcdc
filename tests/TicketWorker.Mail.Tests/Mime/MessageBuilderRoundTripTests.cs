using System.Text;
using TicketWorker.Mail.Mime;

namespace TicketWorker.Mail.Tests.Mime;

/// <summary>What the writer writes, the parser reads back to the same values.</summary>
public class MessageBuilderRoundTripTests
{
    private static async Task<MimeMessage> RoundTripAsync(MessageBuilder builder)
    {
        var stream = new MemoryStream();
        await builder.WriteToAsync(stream);
        stream.Position = 0;
        return await MimeMessage.ParseAsync(stream);
    }

    private static string Lf(string s) => s.Replace("\r\n", "\n");

    [TestCase("fa", "پاسخ: [#۴۲] سفارش من هنوز نرسیده است", "علی رضایی", "سلام،\nسفارش من هنوز نرسیده است.\nبا تشکر")]
    [TestCase("ru", "Ответ: [#42] Заказ не доставлен — помогите, пожалуйста, уже прошло три недели", "Иван Петров", "Здравствуйте!\nЗаказ не доставлен.\n")]
    [TestCase("el", "Απ: [#42] Η παραγγελία μου δεν έφτασε", "Νίκος Παπαδόπουλος", "Γεια σας,\nη παραγγελία μου δεν έφτασε.")]
    [TestCase("zh", "回复: [#42] 我的订单还没有到", "王小明", "您好，\n我的订单还没有到。")]
    [TestCase("de", "AW: [#42] Bestellung nicht angekommen – bitte um Rückruf", "Jürgen Müller, Einkauf", "Sehr geehrte Damen und Herren,\nmeine Bestellung ist nicht angekommen.\nMit freundlichen Grüßen")]
    [TestCase("en", "Re: [#42] Order not delivered", "O'Brien, \"Pat\"", "Hello,\n\nmy order has not arrived.\n-- \nPat")]
    public async Task SubjectNamesAndTextSurviveTheRoundTrip(string language, string subject, string name, string text)
    {
        var builder = new MessageBuilder
        {
            From = new MailboxAddress(name, $"customer-{language}@example.com"),
            Subject = subject,
            TextBody = text,
        };
        builder.To.Add(new MailboxAddress("Support " + name, "support@example.com"));
        builder.Cc.Add(new MailboxAddress(null, "cc@example.com"));
        builder.ReplyTo.Add(new MailboxAddress(name, "reply@example.com"));

        using var message = await RoundTripAsync(builder);

        Assert.That(message.Subject, Is.EqualTo(subject));
        Assert.That(message.From, Is.EqualTo(new[] { new MailboxAddress(name, $"customer-{language}@example.com") }));
        Assert.That(message.To, Is.EqualTo(new[] { new MailboxAddress("Support " + name, "support@example.com") }));
        Assert.That(message.Cc.Single().Address, Is.EqualTo("cc@example.com"));
        Assert.That(message.ReplyTo.Single().Name, Is.EqualTo(name));
        Assert.That(Lf(message.TextBody!).TrimEnd('\n'), Is.EqualTo(text.TrimEnd('\n')));
    }

    [Test]
    public async Task IdsDateAndCustomHeadersSurviveTheRoundTrip()
    {
        var date = new DateTimeOffset(2024, 2, 12, 10, 30, 0, TimeSpan.FromMinutes(210));
        var builder = new MessageBuilder
        {
            From = new MailboxAddress("Support", "support@example.com"),
            Subject = "Re: hello",
            TextBody = "ok",
            Date = date,
            InReplyTo = "<orig.1@example.org>",
            MessageIdDomain = "tickets.example.com",
        };
        builder.References.AddRange(["root@example.org", "<orig.1@example.org>"]);
        builder.Headers["Auto-Submitted"] = "auto-replied";
        builder.Headers["X-Ticket-Subject"] = "Καλημέρα";

        using var message = await RoundTripAsync(builder);

        Assert.That(message.MessageId, Is.EqualTo(builder.MessageId));
        Assert.That(message.Date, Is.EqualTo(date));
        Assert.That(message.InReplyTo, Is.EqualTo(new[] { "orig.1@example.org" }));
        Assert.That(message.References, Is.EqualTo(new[] { "root@example.org", "orig.1@example.org" }));
        Assert.That(message.Headers["Auto-Submitted"], Is.EqualTo("auto-replied"));
        Assert.That(message.Headers.GetAll("X-Ticket-Subject").Single().Value, Is.EqualTo("Καλημέρα"));
    }

    [Test]
    public async Task AReplyToAParsedMessageIsThreadedUnderIt()
    {
        var original = new MessageBuilder { From = new MailboxAddress("Ali", "ali@example.ir"), Subject = "سفارش", TextBody = "سلام" };
        original.References.Add("root@example.ir");
        using var parsedOriginal = await RoundTripAsync(original);
        var reply = new MessageBuilder { From = new MailboxAddress("Support", "support@example.com"), Subject = "Re: [#7] سفارش", TextBody = "ok" };

        reply.ThreadAsReplyTo(parsedOriginal);
        using var parsedReply = await RoundTripAsync(reply);

        Assert.That(parsedReply.InReplyTo, Is.EqualTo(new[] { original.MessageId }));
        Assert.That(parsedReply.References, Is.EqualTo(new[] { "root@example.ir", original.MessageId }));
        Assert.That(parsedReply.Subject, Is.EqualTo("Re: [#7] سفارش"));
    }

    [Test]
    public async Task TextAndHtmlSurviveAsAlternatives()
    {
        var builder = new MessageBuilder
        {
            From = new MailboxAddress(null, "support@example.com"),
            Subject = "Ticket",
            TextBody = "Привет, мир",
            HtmlBody = "<html><body><p>Привет, <b>мир</b></p></body></html>",
        };

        using var message = await RoundTripAsync(builder);

        Assert.That(Lf(message.TextBody!).TrimEnd('\n'), Is.EqualTo("Привет, мир"));
        Assert.That(message.HtmlBody, Does.Contain("<p>Привет, <b>мир</b></p>"));
        Assert.That(message.Body.ContentType.MimeType, Is.EqualTo("multipart/alternative"));
        Assert.That(message.Attachments, Is.Empty);
    }

    [Test]
    public async Task AttachmentBytesAndFileNamesSurvive()
    {
        var random = new Random(42);
        var small = new byte[] { 0, 1, 2, 0xFF, 0x0D, 0x0A, 0x3D };
        var large = new byte[300_000];
        random.NextBytes(large);
        var builder = new MessageBuilder
        {
            From = new MailboxAddress(null, "support@example.com"),
            Subject = "Files",
            TextBody = "see attached",
            HtmlBody = "<p>see attached <img src=\"cid:logo@x\"></p>",
        };
        builder.Attachments.Add(new MessageAttachment("گزارش ماهانه فروش شرکت برای سه ماهه اول سال.pdf", small, "application/pdf"));
        builder.Attachments.Add(new MessageAttachment("данные.bin", () => new MemoryStream(large)));
        builder.Attachments.Add(new MessageAttachment("logo.png", small, "image/png") { ContentId = "logo@x", IsInline = true });

        using var message = await RoundTripAsync(builder);

        var byName = message.Attachments.ToDictionary(a => a.FileName ?? "");
        Assert.That(byName.Keys, Is.EquivalentTo(new[] { "گزارش ماهانه فروش شرکت برای سه ماهه اول سال.pdf", "данные.bin", "logo.png" }));
        Assert.That(ReadAll(byName["گزارش ماهانه فروش شرکت برای سه ماهه اول سال.pdf"]), Is.EqualTo(small));
        Assert.That(byName["گزارش ماهانه فروش شرکت برای سه ماهه اول سال.pdf"].ContentType.MimeType, Is.EqualTo("application/pdf"));
        Assert.That(ReadAll(byName["данные.bin"]), Is.EqualTo(large));
        Assert.That(byName["logo.png"].ContentId, Is.EqualTo("logo@x"));
        Assert.That(byName["logo.png"].IsInline, Is.True);
        Assert.That(Lf(message.TextBody!).TrimEnd('\n'), Is.EqualTo("see attached"));
    }

    [Test]
    public async Task LongLinesAndTrailingBlanksSurviveQuotedPrintable()
    {
        var text = new string('x', 300) + " Grüße   \nnext line with trailing tab\t\n.\nFrom the start";
        var builder = new MessageBuilder { From = new MailboxAddress(null, "a@example.com"), Subject = "qp", TextBody = text };

        using var message = await RoundTripAsync(builder);

        Assert.That(Encoding.UTF8.GetString(builder.ToBytes()), Does.Contain("quoted-printable"));
        Assert.That(Lf(message.TextBody!).TrimEnd('\n'), Is.EqualTo(text));
    }

    private static byte[] ReadAll(MimeAttachment attachment)
    {
        using var stream = attachment.OpenRead();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
