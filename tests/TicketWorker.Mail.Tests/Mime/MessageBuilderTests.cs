using System.Text;
using TicketWorker.Mail.Mime;

namespace TicketWorker.Mail.Tests.Mime;

public class MessageBuilderTests
{
    private static MessageBuilder NewBuilder() => new()
    {
        From = new MailboxAddress("Support", "support@example.com"),
        Subject = "Re: [#42] Order",
        TextBody = "Hello,\nyour order is on its way.\n",
        Date = new DateTimeOffset(2024, 2, 12, 10, 30, 0, TimeSpan.FromHours(1)),
    };

    private static string Write(MessageBuilder b) => Encoding.UTF8.GetString(b.ToBytes());

    [Test]
    public void WritesTheStandardHeadersAndAPlainTextBody()
    {
        var b = NewBuilder();
        b.To.Add(new MailboxAddress("Jane Doe", "jane@example.org"));

        var text = Write(b);

        Assert.That(text, Does.StartWith("Date: Mon, 12 Feb 2024 10:30:00 +0100\r\nFrom: Support <support@example.com>\r\n"));
        Assert.That(text, Does.Contain("\r\nTo: Jane Doe <jane@example.org>\r\n"));
        Assert.That(text, Does.Contain("\r\nSubject: Re: [#42] Order\r\n"));
        Assert.That(text, Does.Contain("\r\nMIME-Version: 1.0\r\n"));
        Assert.That(text, Does.Contain("Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\nHello,\r\nyour order is on its way.\r\n"));
    }

    [Test]
    public void EveryLineEndsWithCrlfAndHeaderLinesStayWithin78Columns()
    {
        var b = NewBuilder();
        b.Subject = "Заказ не доставлен, помогите пожалуйста, я жду уже три недели и никто не отвечает на письма";
        for (var i = 0; i < 8; i++) b.To.Add(new MailboxAddress($"Получатель номер {i}", $"user{i}@example.com"));
        b.References.AddRange(Enumerable.Range(0, 10).Select(i => $"<message-{i}.abcdefghij@example.com>"));
        b.Headers["X-Long"] = string.Join(" ", Enumerable.Repeat("word", 40));

        var text = Write(b);
        var headerBlock = text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)];

        Assert.That(text.Replace("\r\n", ""), Does.Not.Contain("\n").And.Not.Contain("\r"));
        Assert.That(headerBlock.Split("\r\n"), Has.All.Length.LessThanOrEqualTo(78));
        Assert.That(headerBlock.All(c => c < 128), Is.True);
    }

    [Test]
    public void GeneratesAMessageIdOnceAndKeepsIt()
    {
        var b = NewBuilder();
        b.MessageIdDomain = "tickets.example.com";

        var first = Write(b);
        var id = b.MessageId;
        var second = Write(b);

        Assert.That(id, Does.Match(@"^[0-9a-z.]+@tickets\.example\.com$"));
        Assert.That(first, Does.Contain($"\r\nMessage-ID: <{id}>\r\n"));
        Assert.That(second, Does.Contain($"\r\nMessage-ID: <{id}>\r\n"));
    }

    [Test]
    public void MessageIdDomainDefaultsToTheFromDomain()
    {
        var b = NewBuilder();

        b.EnsureMessageId();

        Assert.That(b.MessageId, Does.EndWith("@example.com"));
    }

    [Test]
    public void GeneratesTheDateFromTheTimeProvider()
    {
        var b = NewBuilder();
        b.Date = null;
        b.TimeProvider = new FixedTime(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));

        Assert.That(Write(b), Does.StartWith("Date: Thu, 2 Jan 2025 03:04:05 +0000\r\n"));
    }

    [Test]
    public void SetsThreadingHeaders()
    {
        var b = NewBuilder();
        b.InReplyTo = "orig@example.org";
        b.References.Add("<root@example.org>");
        b.References.Add("orig@example.org");

        var text = Write(b);

        Assert.That(text, Does.Contain("\r\nIn-Reply-To: <orig@example.org>\r\n"));
        Assert.That(text, Does.Contain("\r\nReferences: <root@example.org> <orig@example.org>\r\n"));
    }

    [Test]
    public void ThreadAsReplyToFollowsRfc5322()
    {
        var b = NewBuilder();

        b.ThreadAsReplyTo("<parent@x>", ["<root@x>", "mid@x"]);

        Assert.That(b.InReplyTo, Is.EqualTo("parent@x"));
        Assert.That(b.References, Is.EqualTo(new[] { "root@x", "mid@x", "parent@x" }));
    }

    [Test]
    public void ThreadAsReplyToUsesASingleInReplyToWhenThereAreNoReferences()
    {
        var b = NewBuilder();

        b.ThreadAsReplyTo("parent@x", [], ["grandparent@x"]);

        Assert.That(b.References, Is.EqualTo(new[] { "grandparent@x", "parent@x" }));
    }

    [Test]
    public void ThreadAsReplyToKeepsTheRootAndTheNewestIdsOfALongChain()
    {
        var b = NewBuilder();
        var chain = Enumerable.Range(0, 50).Select(i => $"m{i}@x").ToList();

        b.ThreadAsReplyTo("parent@x", chain);

        Assert.That(b.References, Has.Count.EqualTo(20));
        Assert.That(b.References[0], Is.EqualTo("m0@x"));
        Assert.That(b.References[^1], Is.EqualTo("parent@x"));
        Assert.That(b.References[^2], Is.EqualTo("m49@x"));
    }

    [Test]
    public void WritesCustomHeadersAndRejectsReservedOnes()
    {
        var b = NewBuilder();
        b.Headers["Auto-Submitted"] = "auto-replied";
        b.Headers["X-Ticket"] = "سفارش ۴۲";

        var text = Write(b);

        Assert.That(text, Does.Contain("\r\nAuto-Submitted: auto-replied\r\n"));
        Assert.That(text, Does.Contain("\r\nX-Ticket: =?utf-8?"));
        b.Headers["Subject"] = "x";
        Assert.Throws<InvalidOperationException>(() => b.ToBytes());
    }

    [Test]
    public void LineBreaksInHeaderValuesCannotInjectFields()
    {
        var b = NewBuilder();
        b.Subject = "Hello\r\nBcc: victim@example.com";

        var text = Write(b);

        Assert.That(text, Does.Not.Contain("\r\nBcc:"));
    }

    [Test]
    public void ChoosesQuotedPrintableForMostlyAsciiAndBase64ForMostlyNonAsciiText()
    {
        var german = NewBuilder();
        german.TextBody = "Sehr geehrte Damen und Herren, vielen Dank für Ihre Nachricht. Wir melden uns in Kürze.";
        var persian = NewBuilder();
        persian.TextBody = "با سلام، سفارش شما ارسال شد و به زودی به دستتان می‌رسد.";

        Assert.That(Write(german), Does.Contain("charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable"));
        Assert.That(Write(persian), Does.Contain("charset=utf-8\r\nContent-Transfer-Encoding: base64"));
    }

    [Test]
    public void TextAndHtmlBecomeMultipartAlternativeWithHtmlLast()
    {
        var b = NewBuilder();
        b.HtmlBody = "<p>Hello</p>";

        var text = Write(b);

        Assert.That(text, Does.Contain("Content-Type: multipart/alternative; boundary=\"=_"));
        Assert.That(text.IndexOf("text/plain", StringComparison.Ordinal), Is.LessThan(text.IndexOf("text/html", StringComparison.Ordinal)));
    }

    [Test]
    public void AttachmentsMakeMultipartMixedWithRfc2231FileNames()
    {
        var b = NewBuilder();
        b.Attachments.Add(new MessageAttachment("فاکتور.pdf", [1, 2, 3], "application/pdf"));

        var text = Write(b);

        Assert.That(text, Does.Contain("Content-Type: multipart/mixed; boundary="));
        Assert.That(text, Does.Contain("filename*=utf-8''%D9%81%D8%A7%DA%A9%D8%AA%D9%88%D8%B1.pdf"));
        Assert.That(text, Does.Contain("Content-Disposition: attachment;"));
        Assert.That(text, Does.Contain("Content-Transfer-Encoding: base64\r\n\r\nAQID\r\n"));
    }

    [Test]
    public void FromIsRequired()
    {
        var b = NewBuilder();
        b.From = null;

        Assert.Throws<InvalidOperationException>(() => b.ToBytes());
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
