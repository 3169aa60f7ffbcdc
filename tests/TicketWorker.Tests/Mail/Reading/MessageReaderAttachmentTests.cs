using System.Text;
using TicketWorker.Mail.Reading;

namespace TicketWorker.Tests.Mail.Reading;

public class MessageReaderAttachmentTests
{
    [Test]
    public async Task AttachmentsCarryNameTypeSizeContentIdAndInlineFlag()
    {
        var message = await ReadingFixture.ReadAsync("nested-mixed.eml");

        Assert.That(message.Attachments, Has.Count.EqualTo(2));
        var logo = message.Attachments[0];
        Assert.That(logo.IsInline, Is.True);
        Assert.That(logo.ContentId, Is.EqualTo("logo@example.de"));
        Assert.That(logo.Size, Is.EqualTo(40));
        var pdf = message.Attachments[1];
        Assert.That(pdf.FileName, Is.EqualTo("Rechnung März.pdf"));
        Assert.That(pdf.ContentType, Is.EqualTo("application/pdf"));
        Assert.That(pdf.IsInline, Is.False);
    }

    [Test]
    public async Task EveryLeafThatIsNotTheBodyIsAnAttachmentNamedOrNot()
    {
        var message = await ReadingFixture.ReadAsync("attachment-kinds.eml");

        Assert.That(message.TextBody, Is.EqualTo("The body text."));
        Assert.That(message.HtmlBody, Is.EqualTo("<p>The body text.</p>"));
        Assert.That(message.Attachments.Select(a => (a.FileName, a.ContentType)), Is.EqualTo(new (string?, string)[]
        {
            ("signature.asc", "application/pgp-signature"),
            (null, "text/html"),
            (null, "text/calendar"),
            (null, "image/png"),
            ("smime.p7s", "application/pkcs7-signature"),
            ("The forwarded one.eml", "message/rfc822"),
        }));
        Assert.That(message.Attachments.Single(a => a.ContentType == "image/png").Size, Is.EqualTo(70));
        Assert.That(message.Attachments.Single(a => a.FileName == "smime.p7s").Size, Is.EqualTo(6));
        Assert.That(message.Attachments.Single(a => a.ContentType == "message/rfc822").Message?.TextBody, Is.EqualTo("Inner text."));
        Assert.That(message.Attachments, Has.All.Matches<ReadAttachment>(a => a.Size > 0));
    }

    [Test]
    public async Task DeliveryReportExposesStatusReturnedMessageAndItsParts()
    {
        var message = await ReadingFixture.ReadAsync("dsn-report.eml");

        Assert.That(message.ReportType, Is.EqualTo("delivery-status"));
        Assert.That(message.DeliveryStatus, Does.Contain("Action: failed"));
        Assert.That(message.ReturnedMessageIds, Is.EqualTo(new[] { "reply-42@example.org" }));
        Assert.That(message.HasReturnedContent, Is.True);
        Assert.That(message.Attachments.Select(a => a.ContentType), Is.EqualTo(new[] { "message/delivery-status", "message/rfc822" }));
        Assert.That(message.Attachments[1].FileName, Is.EqualTo("Re_ [#42] Your request.eml"));
    }

    [Test]
    public async Task ReturnedHeadersNameTheOriginalMessage()
    {
        var message = await ReadingFixture.ReadAsync("dsn-headers-only.eml");

        Assert.That(message.ReturnedMessageIds, Is.EqualTo(new[] { "ack-7@example.org" }));
        Assert.That(message.Attachments.Select(a => a.ContentType), Is.EqualTo(new[] { "message/delivery-status", "text/rfc822-headers" }));
        Assert.That(message.Attachments.All(a => a.Size > 0), Is.True);
    }

    [Test]
    public async Task OrdinaryMessageHasNoReportValues()
    {
        var message = await ReadingFixture.ReadAsync("nested-mixed.eml");

        Assert.That(message.ReportType, Is.Null);
        Assert.That(message.DeliveryStatus, Is.Null);
        Assert.That(message.HasFeedbackReport, Is.False);
        Assert.That(message.ReturnedMessageIds, Is.Empty);
    }

    [Test]
    public async Task WinmailDatIsExpandedIntoItsFilesAndItsBody()
    {
        var pdf = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        var tnef = TnefFile.Build("Please see the attached invoice.", ("invoice.pdf", pdf), ("notes.txt", Encoding.ASCII.GetBytes("twelve bytes")));
        var mail = "From: Outlook User <user@example.com>\r\nSubject: Invoice\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
            "--b\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\nContent-Disposition: attachment; filename=\"winmail.dat\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
            Convert.ToBase64String(tnef, Base64FormattingOptions.InsertLineBreaks) + "\r\n--b--\r\n";

        var message = await ReadingFixture.ReadTextAsync(mail);

        Assert.That(message.Attachments.Select(a => (a.FileName, a.Size)), Is.EqualTo(new (string?, long)[] { ("invoice.pdf", 3000), ("notes.txt", 12) }));
        Assert.That(message.TextBody, Does.Contain("Please see the attached invoice."));
    }

    [Test]
    public async Task UnreadableWinmailDatStaysOneAttachment()
    {
        var mail = "Subject: broken\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n" +
            "--b\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwQFBgcICQ==\r\n--b--\r\n";

        var message = await ReadingFixture.ReadTextAsync(mail);

        Assert.That(message.Attachments.Single().FileName, Is.EqualTo("winmail.dat"));
        Assert.That(message.Attachments.Single().Size, Is.EqualTo(10));
    }

    [Test]
    public async Task UuencodedBlockInTheTextBecomesAnAttachment()
    {
        var message = await ReadingFixture.ReadAsync("uuencoded-in-text.eml");

        var file = message.Attachments.Single();
        Assert.That(file.FileName, Is.EqualTo("server.log"));
        Assert.That(file.Size, Is.EqualTo(768));
        Assert.That(message.TextBody, Is.EqualTo("Here is the log file.\n\n\nThanks!\n"));
    }

    [Test]
    public async Task LargeAttachmentSizeIsCountedFromTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tw-large-{Guid.NewGuid():N}.eml");
        try
        {
            const int decoded = 3 * 1024 * 1024 + 2; // a last group of two bytes
            await using (var file = File.Create(path))
            {
                await file.WriteAsync(Encoding.ASCII.GetBytes("Subject: big\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee file\r\n" +
                    "--b\r\nContent-Type: application/octet-stream; name=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n"));
                var data = new byte[decoded];
                new Random(1).NextBytes(data);
                await file.WriteAsync(Encoding.ASCII.GetBytes(Convert.ToBase64String(data, Base64FormattingOptions.InsertLineBreaks)));
                await file.WriteAsync(Encoding.ASCII.GetBytes("\r\n--b--\r\n"));
            }

            var message = await MessageReader.ReadAsync(path);

            Assert.That(message.Attachments.Single().Size, Is.EqualTo(decoded));
            Assert.That(message.TextBody, Is.EqualTo("see file"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task TextBodyIsCutAtTheConfiguredLimit()
    {
        var message = await MessageReader.ReadAsync(new MemoryStream(Encoding.ASCII.GetBytes("Subject: long\r\n\r\n" + new string('a', 5000))),
            new MessageReaderOptions { MaxBodyBytes = 1000 });

        Assert.That(message.TextBody, Has.Length.EqualTo(1000));
    }
}
