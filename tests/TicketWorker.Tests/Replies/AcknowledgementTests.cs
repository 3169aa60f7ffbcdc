using System.Text;
using TicketWorker.Mail.Imap;
using TicketWorker.Mail.Mime;
using TicketWorker.Mail.Tests.Infrastructure;
using TicketWorker.Outbox;
using TicketWorker.Storage;
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
        _h.Runtime.Database.InReadAsync(tx => _h.Runtime.Outbox.ListAsync(tx, null, 100));

    private static async Task<MimeMessage?> FindInInboxAsync(string user, string inReplyTo)
    {
        await using var client = new ImapClient();
        await client.ConnectAsync(MailStack.Host, MailStack.ImapPort, ImapSecurity.StartTls, MailStack.TrustedTls);
        await client.LoginAsync(MailStack.Address(user), MailStack.Password);
        await client.SelectAsync("INBOX");
        var uids = await client.SearchAsync(SearchQuery.Header("In-Reply-To", inReplyTo));
        if (uids.Count == 0) return null;
        Assert.That(uids, Has.Count.EqualTo(1), "exactly one acknowledgement");
        await foreach (var m in client.FetchAsync(UidSet.Of(uids)))
        {
            var copy = new MemoryStream();
            await m.Body.CopyToAsync(copy);
            copy.Position = 0;
            return await MimeMessage.ParseAsync(copy);
        }
        return null;
    }

    [Test]
    public async Task ANewTicketIsAcknowledgedOnceInTheCustomersInboxThreadedAndTagged()
    {
        var id = $"ack-{Guid.NewGuid():N}@example.test";
        var raw = Mails.Customer("Customer Three <customer3@example.test>", "Printer broken", id);
        var first = await _h.IngestAsync(raw);
        await _h.IngestAsync(raw); // a replayed intake must not queue a second acknowledgement

        var sent = await new OutboxSender(_h.Runtime, "test").RunOnceAsync();
        Assert.That(sent.Sent, Is.EqualTo(1));

        var ack = await FindInInboxAsync("customer3", $"<{id}>");
        Assert.That(ack, Is.Not.Null, "the acknowledgement reached the customer's INBOX");
        Assert.That(ack!.Subject, Does.Contain($"[#{first.Ticket}]"));
        Assert.That(ack.InReplyTo, Is.EqualTo(new[] { id }));
        Assert.That(ack.Headers["Auto-Submitted"], Is.EqualTo("auto-replied"));
        var token = ack.ReplyTo.Single().Address;
        Assert.That((await _h.ReplyTokensAsync()).Verify(token.Split('+')[1].Split('@')[0]), Is.EqualTo(first.Ticket));

        var ticket = (await _h.TicketAsync(first.Ticket!.Value))!;
        var outbound = ticket.Messages.Single(m => m.Direction == MessageDirection.Outbound);
        Assert.That((outbound.Kind, outbound.MessageId, outbound.Status), Is.EqualTo(("ack", ack.MessageId, DeliveryStatus.Sent)));
    }

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
        Assert.That(await OutboxAsync(), Has.Count.EqualTo(_h.Runtime.Acknowledger.MaxPerDay));
        _h.Time.Advance(TimeSpan.FromDays(1));
        await _h.IngestAsync(Mails.Customer("customer5@example.test", "Next day", "many-next@example.test"));
        Assert.That(await OutboxAsync(), Has.Count.EqualTo(_h.Runtime.Acknowledger.MaxPerDay + 1));
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
