using System.Text;
using MimeKit;
using TicketWorker.Storage;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Outbox;

/// <summary>The acknowledgement as the outbox stores it: the bytes every attempt sends.</summary>
[TestFixture]
public sealed class AcknowledgementRowTests
{
    [Test, CancelAfter(60_000)]
    public async Task APersianAcknowledgementRowHoldsOnlySevenBitBytesThatReadBackAsPersian()
    {
        using var h = await IngestHarness.StartAsync(
            extraSettings: $", \"TemplatesPath\": \"{Path.Combine(RepoRoot.Path, "templates")}\"",
            rules: "sla: { default: standard, policies: { standard: { normal: { first_response: 1h, resolution: 8h } } } }\n"
                 + "business_hours: { time_zone: Asia/Tehran, week: { sat: 08:00-16:00, sun: 08:00-16:00, mon: 08:00-16:00, tue: 08:00-16:00, wed: 08:00-16:00 } }\n");
        var id = $"fa-row-{Guid.NewGuid():N}@example.ir";
        var subject = "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("چاپگر کار نمی‌کند")) + "?=";
        var name = "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("مریم")) + "?=";
        var ingested = await h.IngestAsync(Mails.Customer($"{name} <customer7@example.test>", subject, id, body: "سلام، چاپگر من از دیروز کار نمی‌کند. لطفاً کمک کنید.\n"));

        await h.App.ComposeQueuedAsync();
        var listed = (await h.App.Database.InReadAsync(tx => h.App.Outbox.ListAsync(tx, null, 10))).Single();
        var row = (await h.App.Database.InReadAsync(tx => h.App.Outbox.GetAsync(tx, listed.Id)))!;

        Assert.That(row.IdempotencyKey, Does.StartWith("ack:"));
        Assert.That(row.Raw, Is.Not.Empty, row.LastError);
        Assert.That(row.Raw, Is.All.LessThan(0x80), "only 7-bit bytes: MailKit has nothing to re-encode on any retry");
        var ack = MimeMessage.Load(new MemoryStream(row.Raw));
        Assert.That(ack.MessageId, Is.EqualTo(row.MessageId));
        Assert.That(ack.Subject, Does.Contain($"[#{ingested.Ticket}]").And.Contain("چاپگر"));
        Assert.That(ack.To.Mailboxes.Single().Name, Is.EqualTo("مریم"));
        Assert.That(ack.TextBody, Does.Contain("مریم").And.Match("[۰-۹]"));
        Assert.That(ack.HtmlBody, Does.Contain("dir=\"rtl\""));
        // MimeKit files the top-level Content-* fields under the body entity when it parses.
        Assert.That((ack.Body!.Headers["Content-Language"], ack.Headers["Auto-Submitted"]), Is.EqualTo(("fa", "auto-replied")));
        Assert.That(ack.InReplyTo, Is.EqualTo(id));
        Assert.That(row.Status, Is.EqualTo(OutboxStatus.Queued));
    }
}
