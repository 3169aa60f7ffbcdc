using MailKit.Search;
using MimeKit;
using TicketWorker.Tests.Infrastructure;
using TicketWorker.Storage;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Replies;

/// <summary>A notification end to end: ingest, outbox, Postfix, the agent's INBOX in Dovecot.</summary>
public class NotificationDeliveryTests
{
    [Test]
    public async Task ACustomersMailArrivesInTheAgentsInboxWithTheReplyTokenAndTheAttachment()
    {
        using var h = await IngestHarness.StartAsync(
            extraSettings: $", \"TemplatesPath\": \"{Path.Combine(RepoRoot.Path, "templates")}\"",
            mailboxes: IngestHarness.StackMailbox("support", "INBOX"),
            rules: "teams:\n  first:\n    members: [agent1@example.test]\nrules:\n  - name: all\n    then: { team: first }\n");
        var subject = $"Scanner jams {Guid.NewGuid():N}";
        var content = new byte[20_000];
        new Random(13).NextBytes(content);
        var r = await h.IngestAsync(NotificationTests.WithAttachment("Customer Eight <customer8@example.test>", subject,
            $"e2e-{Guid.NewGuid():N}@example.test", "scan.pdf", content));

        // Intake queued the notification as a recipe with its Message-ID fixed: its bytes, and its message on the ticket, are written
        // when it is sent; until then the ticket shows it from its outbox row.
        var queued = await NotificationRowAsync(h);
        Assert.That(queued.Raw, Is.Empty);
        Assert.That(queued.Recipe, Does.Contain("\"agent\":\"agent1@example.test\""));
        var before = (await h.TicketAsync(r.Ticket!.Value))!.Messages.Single(m => m.Kind == "notification");
        Assert.That((before.MessageId, before.Subject, before.Text, before.Status), Is.EqualTo((queued.MessageId, (string?)null, (string?)null, (DeliveryStatus?)DeliveryStatus.Queued)));
        Assert.That(await h.App.Database.InReadAsync(tx => h.App.Tickets.FindMessageByMessageIdAsync(tx, queued.MessageId)), Is.Null, "no message row before it is written");

        var sent = await h.App.Sender("test").RunOnceAsync();
        Assert.That(sent.Sent, Is.EqualTo(2), "the customer's acknowledgement and agent1's notification");
        var stored = await NotificationRowAsync(h);
        var after = (await h.TicketAsync(r.Ticket!.Value))!.Messages.Single(m => m.Kind == "notification");
        Assert.That((after.MessageId, after.Status, after.InReplyTo), Is.EqualTo((queued.MessageId, (DeliveryStatus?)DeliveryStatus.Sent, (string?)TicketWorker.Replies.Notifier.ThreadRoot(r.Ticket.Value, "support@example.test"))));
        Assert.That(MimeMessage.Load(new MemoryStream(stored.Raw)).MessageId, Is.EqualTo(queued.MessageId), "the bytes sent are kept on the row for a resend");
        Assert.That(after.Subject, Does.StartWith($"New ticket [#{r.Ticket}]"));
        Assert.That(after.Text, Does.Contain("Please find the invoice attached."));

        using var mailbox = await TestMailbox.ConnectAsync("agent1");
        var uids = await mailbox.WaitForAsync("INBOX", SearchQuery.SubjectContains(subject));
        Assert.That(uids, Has.Count.EqualTo(1), "exactly one notification reached agent1");
        var mail = await mailbox.GetMessageAsync("INBOX", uids[0]);
        Assert.That(mail.Subject, Does.StartWith($"New ticket [#{r.Ticket}]"));
        Assert.That(mail.MessageId, Is.EqualTo(queued.MessageId));
        var token = mail.ReplyTo.Mailboxes.Single().Address;
        Assert.That((await h.ReplyTokensAsync()).VerifyForAgent(token.Split('+')[1].Split('@')[0], "agent1@example.test"), Is.EqualTo(r.Ticket), "agent1's own token");
        Assert.That(mail.References, Is.EqualTo(new[] { $"ticket-{r.Ticket}-thread@example.test" }));
        Assert.That(mail.TextBody, Does.Contain("Please find the invoice attached.").And.Contain("scan.pdf"));
        var part = mail.Attachments.OfType<MimePart>().Single();
        using var decoded = new MemoryStream();
        await part.Content!.DecodeToAsync(decoded);
        Assert.That((part.FileName, decoded.ToArray()), Is.EqualTo(("scan.pdf", content)));
    }

    private static Task<OutboxItem> NotificationRowAsync(IngestHarness h) => h.App.Database.InReadAsync(async tx =>
    {
        var listed = (await h.App.Outbox.ListAsync(tx, null, 10)).Single(i => i.Kind == "notification");
        return (await h.App.Outbox.GetAsync(tx, listed.Id))!;
    });
}
