using MimeKit;
using TicketWorker.Replies;
using TicketWorker.Rules;
using TicketWorker.Storage;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Replies;

/// <summary>Notifications to agents through the ingest pipeline: the outbox rows they leave.</summary>
public class NotificationTests
{
    // agent3 is away; the team assigns round robin, so a new ticket has an owner.
    private const string TeamRules = """
          - email: agent3@example.test
            name: Agent Three
            away: true
        teams:
          support:
            members: [agent1@example.test, agent2@example.test, agent3@example.test]
        rules:
          - name: everything to support
            then: { team: support }

        """;

    private IngestHarness _h = null!;

    [TearDown]
    public void TearDown() => _h?.Dispose();

    /// <summary>The notification rows with the bytes the sender sends for them (a listing leaves the bytes out; intake queues recipes).</summary>
    private async Task<IReadOnlyList<OutboxItem>> NotificationsAsync()
    {
        var rows = await _h.App.Database.InReadAsync(async tx =>
        {
            var rows = new List<OutboxItem>();
            foreach (var listed in (await _h.App.Outbox.ListAsync(tx, null, 100)).Where(i => i.Kind == "notification").OrderBy(i => i.Id))
                rows.Add((await _h.App.Outbox.GetAsync(tx, listed.Id))!);
            return rows;
        });
        var sent = new List<OutboxItem>();
        foreach (var row in rows) sent.Add(await _h.App.AsSentAsync(row));
        return sent;
    }

    private static MimeMessage Parse(OutboxItem item) => MimeMessage.Load(new MemoryStream(item.Raw));

    [Test]
    public async Task ANewTicketNotifiesItsOwnerFromTheMailboxWithTheTokenTheThreadRootAndTheNewText()
    {
        _h = await IngestHarness.StartAsync(rules: TeamRules);
        var result = await _h.IngestAsync(Mails.Customer("Customer One <customer1@example.test>", "Printer broken", "n1@example.test",
            "My printer is broken.\n\n-- \nCustomer One\nACME Ltd"));

        var row = (await NotificationsAsync()).Single();
        var ticket = (await _h.TicketAsync(result.Ticket!.Value))!.Ticket;
        Assert.That(row.Recipients, Is.EqualTo(new[] { ticket.Owner }));
        Assert.That(row.IdempotencyKey, Is.EqualTo($"notify:{ticket.Id}:n1@example.test:{ticket.Owner}"));
        var mail = Parse(row);
        Assert.That(mail.From.Mailboxes.Single().Address, Is.EqualTo("support@example.test"));
        Assert.That(mail.To.Mailboxes.Single().Address, Is.EqualTo(ticket.Owner));
        var token = mail.ReplyTo.Mailboxes.Single().Address;
        Assert.That((await _h.ReplyTokensAsync()).VerifyForAgent(token.Split('+')[1].Split('@')[0], ticket.Owner), Is.EqualTo(ticket.Number), "the owner's own token");
        Assert.That(mail.Headers["Auto-Submitted"], Is.EqualTo("auto-generated"));
        Assert.That(mail.References, Is.EqualTo(new[] { $"ticket-{ticket.Number}-thread@example.test" }));
        Assert.That(mail.Subject, Does.Contain($"[#{ticket.Number}]"));
        Assert.That(mail.TextBody, Does.Contain("My printer is broken.").And.Not.Contain("ACME Ltd"), "the new text, signature left out");
        Assert.That(mail.TextBody, Does.Contain("Priority: normal"));
    }

    [Test]
    public async Task AFollowUpNotifiesAgainInTheSameThreadAndAReplayedIntakeNeverNotifiesTwice()
    {
        _h = await IngestHarness.StartAsync(rules: TeamRules);
        var first = Mails.Customer("customer2@example.test", "Printer broken", "f1@example.test");
        var second = Mails.Reply("customer2@example.test", "Re: Printer broken", "f2@example.test", "f1@example.test",
            "Still broken.\n\nOn Mon, 2 Mar 2026 at 09:00, Support wrote:\n> We are on it.\n");
        await _h.IngestAsync(first);
        var follow = await _h.IngestAsync(second);
        await _h.IngestAsync(first);
        await _h.IngestAsync(second);

        var rows = await NotificationsAsync();
        Assert.That(rows, Has.Count.EqualTo(2), "one per customer message, none for the replays");
        Assert.That(follow.Action, Is.EqualTo("appended"));
        var (a, b) = (Parse(rows[0]), Parse(rows[1]));
        Assert.That(b.References, Is.EqualTo(a.References), "one References chain per ticket");
        Assert.That(b.Subject, Does.StartWith("Customer reply"));
        Assert.That(b.TextBody, Does.Contain("Still broken.").And.Not.Contain("We are on it."));
        var stored = (await _h.TicketAsync(follow.Ticket!.Value))!.Messages;
        Assert.That(stored.Where(m => m.Kind == "notification").Select(m => m.MessageId), Is.EquivalentTo(rows.Select(r => r.MessageId)));
    }

    [Test]
    public async Task MailFromAnAgentOrAnAutoReplyOrWithNotificationsOffNotifiesNobody()
    {
        _h = await IngestHarness.StartAsync(rules: TeamRules + "notify: { new_ticket: false, follow_up: true }\n");
        await _h.IngestAsync(Mails.Customer("customer3@example.test", "Off", "off1@example.test"));
        Assert.That(await NotificationsAsync(), Is.Empty, "new_ticket: false");
        _h.Dispose();

        _h = await IngestHarness.StartAsync(rules: TeamRules);
        await _h.IngestAsync(Mails.Customer("agent2@example.test", "From an agent", "ag1@example.test"));
        await _h.IngestAsync(Mails.Customer("customer4@example.test", "Out of office", "oof1@example.test", headers: "Auto-Submitted: auto-replied\n"));
        Assert.That(await NotificationsAsync(), Is.Empty);
    }

    [Test]
    public async Task TheCustomersAttachmentIsAttachedByteForByte()
    {
        _h = await IngestHarness.StartAsync(rules: TeamRules);
        var pdf = new byte[5000];
        new Random(7).NextBytes(pdf);
        await _h.IngestAsync(WithAttachment("customer5@example.test", "Invoice", "att1@example.test", "invoice.pdf", pdf));

        var mail = Parse((await NotificationsAsync()).Single());
        var part = mail.Attachments.OfType<MimePart>().Single();
        Assert.That((part.FileName, part.ContentType.MimeType), Is.EqualTo(("invoice.pdf", "application/pdf")));
        using var decoded = new MemoryStream();
        part.Content!.DecodeTo(decoded);
        Assert.That(decoded.ToArray(), Is.EqualTo(pdf));
        Assert.That(mail.TextBody, Does.Contain("invoice.pdf"));
    }

    [Test]
    public async Task ANotificationIsWrittenFromTheTicketAsItIsWhenSentWithTheMessageIdAndDateFixedAtIntake()
    {
        _h = await IngestHarness.StartAsync(rules: TeamRules);
        var r = await _h.IngestAsync(Mails.Customer("customer9@example.test", "Late", "late1@example.test"));
        var queuedAt = _h.Time.GetUtcNow();
        var row = await _h.App.Database.InReadAsync(async tx => (await _h.App.Outbox.FindByKeyAsync(tx, (await _h.App.Outbox.ListAsync(tx, null, 10)).Single(i => i.Kind == "notification").IdempotencyKey))!);
        Assert.That(row.Raw, Is.Empty, "intake queues the recipe, not the bytes");

        // Later: an agent raised the priority before the sender got to the row.
        _h.Time.Advance(TimeSpan.FromMinutes(5));
        await _h.App.Database.InTransactionAsync(async tx =>
        {
            var t = (await _h.App.Tickets.FindTicketByNumberAsync(tx, r.Ticket!.Value))!;
            await _h.App.Tickets.UpdateTicketAsync(tx, t with { Priority = "urgent" });
            return 0;
        });
        var first = Parse(await _h.App.AsSentAsync(row));
        var second = Parse(await _h.App.AsSentAsync(row));
        Assert.That((first.MessageId, first.Date), Is.EqualTo((row.MessageId, queuedAt)).Using<(string, DateTimeOffset)>((a, b) => a.Item1 == b.Item1 && a.Item2 == b.Item2));
        Assert.That((second.MessageId, second.Date), Is.EqualTo((first.MessageId, first.Date)), "written again (a crash before its bytes were stored): the same mail");
        Assert.That(first.TextBody, Does.Contain("Priority: urgent"), "the ticket's facts when it is sent");
    }

    [Test]
    public async Task ARecipeThatCannotBeReadFailsItsRowWithTheReasonInsteadOfSendingNothing()
    {
        _h = await IngestHarness.StartAsync(rules: TeamRules, mailboxes: IngestHarness.StackMailbox("support", "INBOX"));
        await _h.IngestAsync(Mails.Customer("customer10@example.test", "Broken recipe", $"broken-{Guid.NewGuid():N}@example.test"));
        await _h.App.Database.InTransactionAsync(async tx =>
        {
            var t = (StorageTransaction)tx;
            return await Dapper.SqlMapper.ExecuteAsync(t.Connection, "UPDATE outbox SET recipe = '{\"message\": 7}' WHERE kind = 'notification'", transaction: t.Transaction);
        });

        var result = await _h.App.Sender("test").RunOnceAsync();
        var row = await _h.App.Database.InReadAsync(async tx => (await _h.App.Outbox.ListAsync(tx, null, 10)).Single(i => i.Kind == "notification"));
        Assert.That((result.Sent, result.Failed), Is.EqualTo((1, 1)), "the acknowledgement went; the notification failed");
        Assert.That((row.Status, row.LastError), Is.EqualTo((OutboxStatus.Failed, $"not composable: the recipe of outbox row {row.Id} cannot be read")));
    }

    [Test]
    public void AnUnassignedTicketGoesToTheTeamMembersWhoAreNotAway()
    {
        var policy = PolicyLoader.Parse(new StringReader("""
            agents:
              - { email: a1@example.test, name: A1 }
              - { email: a2@example.test, name: A2, away: true }
              - { email: a3@example.test, name: A3, away: { from: 2026-03-01, to: 2026-03-10 } }
              - { email: a4@example.test, name: A4 }
            teams:
              t: { members: [a1@example.test, a2@example.test, a3@example.test, a4@example.test] }
            """), "rules.yaml");
        var day = new DateOnly(2026, 3, 5);
        var unassigned = new TicketRecord { Team = "t" };
        Assert.That(Notifier.Recipients(policy, unassigned, day).Select(a => a.Email), Is.EqualTo(new[] { "a1@example.test", "a4@example.test" }));
        Assert.That(Notifier.Recipients(policy, unassigned with { Owner = "a4@example.test" }, day).Select(a => a.Email), Is.EqualTo(new[] { "a4@example.test" }));
        Assert.That(Notifier.Recipients(policy, unassigned with { Owner = "a3@example.test" }, day).Select(a => a.Email).ToList(), Has.Count.EqualTo(2), "an away owner: the team");
        Assert.That(Notifier.Recipients(policy, new TicketRecord(), day), Is.Empty);
    }

    [Test]
    public async Task TheStoredMessageKeepsTheFullTextAndItsNewText()
    {
        _h = await IngestHarness.StartAsync();
        var r = await _h.IngestAsync(Mails.Customer("customer6@example.test", "Quote", "nt1@example.test",
            "Thanks, that worked.\n\nOn Mon, 2 Mar 2026 at 09:00, Support wrote:\n> Try turning it off and on.\n"));
        var m = (await _h.TicketAsync(r.Ticket!.Value))!.Messages.Single(x => x.Direction == MessageDirection.Inbound);
        Assert.That(m.Text, Does.Contain("Try turning it off and on."));
        Assert.That(m.NewText, Is.EqualTo("Thanks, that worked."));

        var config = Path.GetDirectoryName(_h.App.Settings.Resolve("appsettings.json"))!;
        var (json, text, errors) = (new StringWriter(), new StringWriter(), new StringWriter());
        Assert.That(await TicketWorker.Cli.CliApp.RunAsync(["tickets", "show", $"{r.Ticket}", "--json", "--config", config], json, errors), Is.Zero, errors.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(json.ToString());
        var shown = doc.RootElement.GetProperty("messages")[0];
        Assert.That(shown.GetProperty("newText").GetString(), Is.EqualTo("Thanks, that worked."));
        Assert.That(shown.GetProperty("text").GetString(), Does.Contain("> Try turning it off and on."));
        Assert.That(await TicketWorker.Cli.CliApp.RunAsync(["tickets", "show", $"{r.Ticket}", "--config", config], text, errors), Is.Zero, errors.ToString());
        Assert.That(text.ToString(), Does.Contain("    new text:\n      Thanks, that worked.\n    full text:\n      Thanks, that worked.").And.Contain("      > Try turning it off and on."));
        Assert.That(text.ToString(), Does.Match(@"--- outbound ack [^\n]*\n    \(queued; subject and text are written when it is sent\)"), "the acknowledgement before the sender wrote it");
    }

    [Test]
    public async Task ANotificationTemplateThatFailsStillNotifiesWithTheBuiltInText()
    {
        using var folder = new TemplateFolder();
        folder.Write("ack.en.liquid", TemplateFolder.Simple);
        folder.Write("notification.en.liquid", "subject: x\n--- text ---\n{% for i in (1..2000000000) %}{{ i }}{% endfor %}\n--- html ---\n<p>x</p>\n");
        _h = await IngestHarness.StartAsync(extraSettings: $", \"TemplatesPath\": \"{folder.Path}\"", rules: TeamRules);
        var r = await _h.IngestAsync(Mails.Customer("customer7@example.test", "Loop", "loop-n1@example.test"));

        var mail = Parse((await NotificationsAsync()).Single());
        Assert.That(mail.Subject, Is.EqualTo($"New ticket [#{r.Ticket}]: Loop"));
        Assert.That(mail.TextBody, Does.Contain("my printer is broken."));
    }

    [TestCase("en", "The customer wrote again on ticket 42.", "Due:")]
    [TestCase("ru", "Клиент снова написал по обращению 42.", "Срок:")]
    [TestCase("el", "Ο πελάτης έγραψε ξανά για το αίτημα 42.", "Προθεσμία:")]
    [TestCase("fa", "مشتری دوباره دربارهٔ درخواست ۴۲ نوشت.", "مهلت:")]
    public void TheShippedNotificationSaysFollowUpDueTimeAndAttachmentsInEachLanguage(string language, string followUp, string due)
    {
        var templates = TemplateRenderer.Load(Path.Combine(RepoRoot.Path, "templates"));
        var reply = templates.Render("notification", language, SampleReplyModels.WithDueTime with { FollowUp = true });
        Assert.That(reply.Text, Does.Contain(followUp).And.Contain(due).And.Contain("invoice.pdf, screenshot.png"));
        Assert.That(reply.Html, Does.Contain(followUp).And.Contain(due));
        var sparse = templates.Render("notification", language, SampleReplyModels.Sparse);
        Assert.That(sparse.Text, Does.Not.Contain(followUp).And.Not.Contain(due));
    }

    internal static string WithAttachment(string from, string subject, string id, string fileName, byte[] content) => $"""
        From: {from}
        To: support@example.test
        Subject: {subject}
        Date: Mon, 2 Mar 2026 09:00:00 +0000
        Message-ID: <{id}>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b1"

        --b1
        Content-Type: text/plain; charset=utf-8

        Please find the invoice attached.

        --b1
        Content-Type: application/pdf; name="{fileName}"
        Content-Disposition: attachment; filename="{fileName}"
        Content-Transfer-Encoding: base64

        {Convert.ToBase64String(content, Base64FormattingOptions.InsertLineBreaks)}
        --b1--
        """;
}
