using System.Text;
using MailKit.Search;
using MimeKit;
using TicketWorker.Outbox;
using TicketWorker.Storage;
using TicketWorker.Tests.Infrastructure;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Replies;

/// <summary>Acknowledgements end to end: ingest, outbox, Postfix, the customer's INBOX in Dovecot.</summary>
public class AcknowledgementTests
{
    private IngestHarness _h = null!;

    [SetUp]
    public async Task SetUp() => _h = await IngestHarness.StartAsync(mailboxes:
        IngestHarness.StackMailbox("support", "INBOX"));

    [TearDown]
    public void TearDown() => _h.Dispose();

    private Task<IReadOnlyList<OutboxItem>> OutboxAsync() =>
        _h.App.Database.InReadAsync(tx => _h.App.Outbox.ListAsync(tx, null, 100));

    private static async Task<MimeMessage?> FindInInboxAsync(string user, string inReplyTo)
    {
        using var mailbox = await TestMailbox.ConnectAsync(user);
        // Postfix hands accepted mail to Dovecot a few milliseconds later: look for up to 10 s.
        var uids = await mailbox.WaitForAsync("INBOX", SearchQuery.HeaderContains("In-Reply-To", inReplyTo));
        if (uids.Count == 0) return null;
        Assert.That(uids, Has.Count.EqualTo(1), "exactly one acknowledgement");
        return await mailbox.GetMessageAsync("INBOX", uids[0]);
    }

    [Test]
    public async Task ANewTicketIsAcknowledgedOnceInTheCustomersInboxThreadedAndTagged()
    {
        var id = $"ack-{Guid.NewGuid():N}@example.test";
        var raw = Mails.Customer("Customer Three <customer3@example.test>", "Printer broken", id);
        var first = await _h.IngestAsync(raw);
        await _h.IngestAsync(raw); // a replayed intake must not queue a second acknowledgement

        var sent = await _h.App.Sender("test").RunOnceAsync();
        Assert.That(sent.Sent, Is.EqualTo(1));

        var ack = await FindInInboxAsync("customer3", $"<{id}>");
        Assert.That(ack, Is.Not.Null, "the acknowledgement reached the customer's INBOX");
        Assert.That(ack!.Subject, Does.Contain($"[#{first.Ticket}]"));
        Assert.That(ack.InReplyTo, Is.EqualTo(id));
        Assert.That(ack.Headers["Auto-Submitted"], Is.EqualTo("auto-replied"));
        var token = ack.ReplyTo.Mailboxes.Single().Address;
        Assert.That((await _h.ReplyTokensAsync()).Verify(token.Split('+')[1].Split('@')[0]), Is.EqualTo(first.Ticket));

        var ticket = (await _h.TicketAsync(first.Ticket!.Value))!;
        var outbound = ticket.Messages.Single(m => m.Direction == MessageDirection.Outbound);
        Assert.That((outbound.Kind, outbound.MessageId, outbound.Status), Is.EqualTo(("ack", ack.MessageId, DeliveryStatus.Sent)));
    }

    [Test]
    [NonParallelizable]
    [CancelAfter(180_000)]
    public async Task WithPostfixDownTheAcknowledgementArrivesOnceAfterItIsBack(CancellationToken cancellationToken)
    {
        var id = $"down-{Guid.NewGuid():N}@example.test";
        await _h.IngestAsync(Mails.Customer("customer6@example.test", "While the server is down", id));
        var sender = _h.App.Sender("test");
        try
        {
            Stack("down");
            var whileDown = await sender.RunOnceAsync(cancellationToken);
            Assert.That((whileDown.Sent, whileDown.Rescheduled), Is.EqualTo((0, 1)));
            Assert.That((await OutboxAsync()).Single().Status, Is.EqualTo(OutboxStatus.Queued));
        }
        finally
        {
            Stack("up");
        }
        Assert.That((await sender.RunOnceAsync(cancellationToken)).Claimed, Is.Zero, "not due before its backoff");
        _h.Time.Advance(TimeSpan.FromHours(2));
        Assert.That((await sender.RunOnceAsync(cancellationToken)).Sent, Is.EqualTo(1));
        Assert.That((await sender.RunOnceAsync(cancellationToken)).Claimed, Is.Zero);
        Assert.That(await FindInInboxAsync("customer6", $"<{id}>"), Is.Not.Null);
    }

    private static void Stack(string verb) => MailStackControl.Run(verb);

    [Test]
    public async Task AnOutOfOfficeReplyToTheAcknowledgementGetsNoSecondMail()
    {
        await _h.IngestAsync(Mails.Customer("customer4@example.test", "Invoice", "ooo-1@example.test"));
        var ackId = (await OutboxAsync()).Single().MessageId;
        var ooo = await _h.IngestAsync($"""
            From: customer4@example.test
            To: support@example.test
            Subject: Automatic reply: [#1] Invoice
            Auto-Submitted: auto-replied
            Message-ID: <ooo-2@example.test>
            In-Reply-To: <{ackId}>

            I am out of the office until Monday.
            """);
        Assert.That((ooo.Action, ooo.Ticket, ooo.Kind), Is.EqualTo(("appended", 1L, "auto-reply")));
        Assert.That(await OutboxAsync(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ACustomerWritingTenNewTicketsInAnHourGetsAtMostTheDailyLimit()
    {
        for (var i = 0; i < 10; i++)
        {
            await _h.IngestAsync(Mails.Customer("customer5@example.test", $"Question {i}", $"many-{i}@example.test"));
            _h.Time.Advance(TimeSpan.FromMinutes(6));
        }
        Assert.That((await _h.TicketsAsync()).Count, Is.EqualTo(10));
        Assert.That(await OutboxAsync(), Has.Count.EqualTo(_h.App.Acknowledger.MaxPerDay));
        _h.Time.Advance(TimeSpan.FromDays(1));
        await _h.IngestAsync(Mails.Customer("customer5@example.test", "Next day", "many-next@example.test"));
        Assert.That(await OutboxAsync(), Has.Count.EqualTo(_h.App.Acknowledger.MaxPerDay + 1));
    }

    [Test]
    public async Task APersianCustomerGetsOnePersianRightToLeftAcknowledgementWithAResolutionTime()
    {
        using var h = await IngestHarness.StartAsync(
            extraSettings: $", \"TemplatesPath\": \"{Path.Combine(RepoRoot.Path, "templates")}\"",
            mailboxes: IngestHarness.StackMailbox("support", "INBOX"),
            rules: "sla: { default: standard, policies: { standard: { normal: { first_response: 1h, resolution: 8h } } } }\n"
                 + "business_hours: { time_zone: Asia/Tehran, week: { sat: 08:00-16:00, sun: 08:00-16:00, mon: 08:00-16:00, tue: 08:00-16:00, wed: 08:00-16:00 } }\n");
        var id = $"fa-{Guid.NewGuid():N}@example.ir";
        var subject = "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("چاپگر کار نمی‌کند")) + "?=";
        var r = await h.IngestAsync(Mails.Customer("=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("مریم")) + "?= <customer7@example.test>",
            subject, id, body: "سلام، چاپگر من از دیروز کار نمی‌کند. لطفاً کمک کنید.\n"));
        Assert.That((await h.App.Sender("test").RunOnceAsync()).Sent, Is.EqualTo(1));

        var ack = await FindInInboxAsync("customer7", $"<{id}>");
        Assert.That(ack, Is.Not.Null);
        Assert.That(ack!.Subject, Does.Contain($"[#{r.Ticket}]").And.Contain("چاپگر"));
        // MimeKit files Content-* headers of the top level under the body part (RFC 2045 §9 MIME headers).
        Assert.That(ack.Headers["Content-Language"] ?? ack.Body?.Headers["Content-Language"], Is.EqualTo("fa"));
        Assert.That(ack.HtmlBody, Does.Contain("dir=\"rtl\""));
        Assert.That(ack.TextBody, Does.Contain("مریم"));
        Assert.That(ack.TextBody, Does.Match("[۰-۹]"), "Persian digits in the resolution time");
        var ticket = (await h.TicketAsync(r.Ticket!.Value))!;
        Assert.That((ticket.Ticket.Language, ticket.Ticket.EstimateSource), Is.EqualTo(("fa", "sla")));
        var stored = ticket.Messages.Single(m => m.Kind == "ack");
        Assert.That(stored.Text, Does.Contain("مریم"), "the ticket keeps the text of our mail");
        Assert.That(stored.Html, Is.Null, "and not a second copy of its HTML, which is in the outbox row");
        TestContext.Out.WriteLine(ack.TextBody);
    }

    [TestCase("agent1@example.test", "[#99] internal")]
    [TestCase("support@example.test", "loop")]
    [TestCase("support+t1-abcdefghij@example.test", "loop via token")]
    public async Task OurOwnAddressesAndAgentsGetNoAcknowledgement(string from, string subject)
    {
        await _h.IngestAsync(Mails.Customer(from, subject, $"own-{Guid.NewGuid():N}@example.test"));
        Assert.That(await OutboxAsync(), Is.Empty);
    }

    [Test]
    public async Task ListMailIsTicketedButNeverAcknowledged()
    {
        var r = await _h.IngestAsync(Mails.Customer("list@example.org", "Weekly digest", "list-1@example.org", headers: "List-Id: <news.example.org>\n"));
        Assert.That((r.Action, r.Kind), Is.EqualTo(("created", "list")));
        Assert.That(await OutboxAsync(), Is.Empty);
    }
}
