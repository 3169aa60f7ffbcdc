using MimeKit;
using TicketWorker.Storage;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Agents;

/// <summary>Agents' mail through the ingest pipeline: what it does to the ticket and the outbox rows it leaves.</summary>
public class AgentMailTests
{
    private const string TeamRules = """
          - email: agent3@example.test
            name: Agent Three
        teams:
          support:
            members: [agent1@example.test, agent2@example.test, agent3@example.test]
            assign: fixed
            owner: agent1@example.test
        rules:
          - name: everything to support
            then: { team: support }

        """;

    private IngestHarness _h = null!;

    [TearDown]
    public void TearDown() => _h?.Dispose();

    private async Task<IReadOnlyList<OutboxItem>> RowsAsync(string? kind = null) => await _h.App.Database.InReadAsync(async tx =>
    {
        var rows = new List<OutboxItem>();
        foreach (var listed in (await _h.App.Outbox.ListAsync(tx, null, 500)).Where(i => kind is null || i.Kind == kind).OrderBy(i => i.Id))
            rows.Add((await _h.App.Outbox.GetAsync(tx, listed.Id))!);
        return (IReadOnlyList<OutboxItem>)rows;
    });

    private static MimeMessage Parse(OutboxItem item) => MimeMessage.Load(new MemoryStream(item.Raw));

    /// <summary>A customer's new ticket; returns its number.</summary>
    private async Task<long> NewTicketAsync(string customer = "Customer Three <customer3@example.test>", string id = "c1@customer.example", string cc = "")
    {
        var r = await _h.IngestAsync(Mails.Customer(customer, "Printer broken", id, "My printer is broken.\n",
            headers: cc.Length > 0 ? $"Cc: {cc}\n" : ""));
        return r.Ticket!.Value;
    }

    private async Task<string> TokenAddressAsync(long ticket, string agent) =>
        (await _h.ReplyTokensAsync()).AddressForAgent("support@example.test", ticket, agent);

    /// <summary>An agent's reply to the notification as Thunderbird writes it: new text, attribution, quote.</summary>
    private static string AgentReply(string from, string to, string id, string text, string extraHeaders = "") => $"""
        From: {from}
        To: {to}
        {extraHeaders}Subject: Re: New ticket [#1]: Printer broken
        Date: Mon, 2 Mar 2026 10:00:00 +0000
        Message-ID: <{id}>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        {text}

        On 02.03.2026 09:00, support@example.test wrote:
        > A new ticket has been opened.
        > My printer is broken.
        """;

    private Task<TicketDetails?> TicketAsync(long number) => _h.TicketAsync(number);

    [Test]
    public async Task AVerifiedAnswerIsRelayedToTheCustomerOnceWithoutQuoteOrCommandAndSetsPriorityFirstResponseAndPending()
    {
        _h = await IngestHarness.StartAsync(rules: TeamRules);
        var number = await NewTicketAsync(cc: "Bob <bob@customer.example>");
        _h.Time.Advance(TimeSpan.FromMinutes(30));
        var reply = AgentReply("Agent One <agent1@example.test>", await TokenAddressAsync(number, "agent1@example.test"), "a1@agent.example",
            "#priority high\n\nHello,\nplease restart the printer.");
        var result = await _h.IngestAsync(reply);
        Assert.That(result.Action, Is.EqualTo("appended"));
        Assert.That((await _h.IngestAsync(reply)).Action, Is.EqualTo("duplicate"), "a replay");

        var details = (await TicketAsync(number))!;
        Assert.That(details.Ticket.Priority, Is.EqualTo("high"));
        Assert.That(details.Ticket.Status, Is.EqualTo(TicketStatus.Pending));
        Assert.That(details.Ticket.FirstResponseAt, Is.EqualTo(_h.Time.GetUtcNow()));
        var stored = details.Messages.Single(m => m.MessageId == "a1@agent.example");
        Assert.That((stored.Kind, stored.NewText), Is.EqualTo(("agent", "Hello,\nplease restart the printer.")));

        var row = (await RowsAsync("agent")).Single();
        Assert.That(row.IdempotencyKey, Is.EqualTo($"agent-reply:{stored.Id}"));
        Assert.That(row.Recipients, Is.EqualTo(new[] { "customer3@example.test", "bob@customer.example" }));
        var mail = Parse(row);
        Assert.That(mail.From.Mailboxes.Single(), Is.EqualTo(new MailboxAddress("Agent One (Support)", "support@example.test")));
        Assert.That(mail.Cc.Mailboxes.Single().Address, Is.EqualTo("bob@customer.example"));
        Assert.That((await _h.ReplyTokensAsync()).Verify(mail.ReplyTo.Mailboxes.Single().Address.Split('+')[1].Split('@')[0]), Is.EqualTo(number));
        Assert.That(mail.Subject, Does.Contain($"[#{number}]"));
        Assert.That(mail.InReplyTo, Is.EqualTo("c1@customer.example"));
        Assert.That(mail.References, Does.Contain("c1@customer.example"));
        Assert.That(mail.References.Any(r => r.StartsWith("ticket-", StringComparison.Ordinal)), Is.False, "no notification thread id leaks to the customer");
        Assert.That(mail.TextBody, Does.Contain("please restart the printer").And.Contain("Agent One"));
        Assert.That(mail.TextBody + mail.HtmlBody, Does.Not.Contain("#priority").And.Not.Contain("A new ticket has been opened"));
        Assert.That(mail.Headers.Contains("Auto-Submitted"), Is.False, "a person's answer");
        var outbound = details.Messages.Single(m => m.Direction == MessageDirection.Outbound && m.Kind == "agent");
        Assert.That(outbound.MessageId, Is.EqualTo(row.MessageId));
    }

    [Test]
    public async Task TheAgentsAttachmentsAndInlineImagesAreRelayedWithTheirContentIdsReferencedFromTheHtml()
    {
        _h = await IngestHarness.StartAsync(rules: TeamRules);
        var number = await NewTicketAsync();
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Agent One", "agent1@example.test"));
        message.To.Add(MailboxAddress.Parse(await TokenAddressAsync(number, "agent1@example.test")));
        message.Subject = "Re: Printer broken";
        message.MessageId = "a-img@agent.example";
        var builder = new BodyBuilder { TextBody = "Press this button:\n\n> A new ticket has been opened." };
        var image = builder.LinkedResources.Add("button.png", png, new ContentType("image", "png"));
        image.ContentId = "button1@agent.example";
        builder.HtmlBody = "<div>Press this button: <img src=\"cid:button1@agent.example\"></div><blockquote type=\"cite\">A new ticket has been opened.</blockquote>";
        builder.Attachments.Add("manual.pdf", "%PDF-1.4 test"u8.ToArray(), new ContentType("application", "pdf"));
        using var raw = new MemoryStream();
        message.Body = builder.ToMessageBody();
        await message.WriteToAsync(raw);
        await _h.IngestAsync(raw.ToArray());

        var mail = Parse((await RowsAsync("agent")).Single());
        var related = mail.BodyParts.OfType<MimePart>().Single(p => p.ContentId == "button1@agent.example");
        Assert.That(mail.HtmlBody, Does.Contain("cid:button1@agent.example").And.Contain("Press this button"));
        using (var decoded = new MemoryStream())
        {
            await related.Content!.DecodeToAsync(decoded);
            Assert.That(decoded.ToArray(), Is.EqualTo(png));
        }
        var mixed = (Multipart)mail.Body!;
        Assert.That(mixed.ContentType.MimeType, Is.EqualTo("multipart/mixed"));
        var relatedPart = mixed.OfType<MultipartAlternative>().Single().OfType<MultipartRelated>().Single();
        Assert.That(relatedPart.OfType<MimePart>().Select(p => p.ContentType.MimeType), Is.EqualTo(new[] { "text/html", "image/png" }), "the HTML and its image in multipart/related");
        Assert.That(mail.Attachments.OfType<MimePart>().Select(p => p.FileName), Is.EqualTo(new[] { "manual.pdf" }));
        Assert.That(mail.TextBody, Does.Not.Contain("A new ticket has been opened"));
    }

    [Test]
    public async Task AMailWithAnotherAgentsTokenOrNoneChangesNothingAndIsACustomersFollowUp()
    {
        _h = await IngestHarness.StartAsync(rules: TeamRules);
        var number = await NewTicketAsync();
        var before = (await TicketAsync(number))!.Ticket;
        // agent2's own token with agent1's From; then agent1's From with no token, threaded by References only.
        await _h.IngestAsync(AgentReply("Agent One <agent1@example.test>", await TokenAddressAsync(number, "agent2@example.test"), "spoof1@evil.example", "#close\nDone."));
        await _h.IngestAsync(AgentReply("Agent One <agent1@example.test>", "support@example.test", "spoof2@evil.example", "#priority low\nDone.",
            "In-Reply-To: <c1@customer.example>\n"));

        var details = (await TicketAsync(number))!;
        Assert.That((details.Ticket.Status, details.Ticket.Priority, details.Ticket.FirstResponseAt), Is.EqualTo((before.Status, before.Priority, (DateTimeOffset?)null)));
        Assert.That(details.Messages.Where(m => m.MessageId.Contains("evil")).Select(m => m.Kind), Is.EqualTo(new[] { "customer", "customer" }));
        Assert.That(await RowsAsync("agent"), Is.Empty, "nothing relayed to the customer");
        Assert.That((await RowsAsync("notification")).Count(r => r.IdempotencyKey.Contains("evil")), Is.EqualTo(2), "the owner hears of them as follow-ups");
    }

    [Test]
    public async Task AnUnknownCommandGetsTheAgentAnExplanationAndChangesNothing()
    {
        _h = await IngestHarness.StartAsync(rules: TeamRules);
        var number = await NewTicketAsync();
        var before = (await TicketAsync(number))!.Ticket;
        await _h.IngestAsync(AgentReply("Agent One <agent1@example.test>", await TokenAddressAsync(number, "agent1@example.test"), "bad@agent.example",
            "#priority high\n#escalate\n\nHello, restart it."));

        var after = (await TicketAsync(number))!.Ticket;
        Assert.That((after.Status, after.Priority, after.Owner, after.Team, after.FirstResponseAt), Is.EqualTo((before.Status, before.Priority, before.Owner, before.Team, before.FirstResponseAt)));
        Assert.That(after.Tags, Is.EqualTo(before.Tags));
        Assert.That(await RowsAsync("agent"), Is.Empty);
        var error = (await RowsAsync("notification")).Single(r => r.IdempotencyKey.StartsWith("agent-error:", StringComparison.Ordinal));
        Assert.That(error.Recipients, Is.EqualTo(new[] { "agent1@example.test" }));
        var mail = Parse(error);
        Assert.That(mail.TextBody, Does.Contain("#escalate: unknown command").And.Contain("changed nothing"));
        Assert.That(mail.Headers["Auto-Submitted"], Is.EqualTo("auto-replied"));
    }

    [Test]
    public async Task ANoteGoesToTheOtherTeamMembersOnlyAndIsStoredAsANote()
    {
        _h = await IngestHarness.StartAsync(rules: TeamRules);
        var number = await NewTicketAsync();
        await _h.IngestAsync(AgentReply("Agent One <agent1@example.test>", await TokenAddressAsync(number, "agent1@example.test"), "note@agent.example",
            "#note\nThis customer has a support contract."));

        Assert.That(await RowsAsync("agent"), Is.Empty, "never to the customer");
        var notes = (await RowsAsync("notification")).Where(r => r.IdempotencyKey.StartsWith("note:", StringComparison.Ordinal)).ToList();
        Assert.That(notes.SelectMany(r => r.Recipients), Is.EquivalentTo(new[] { "agent2@example.test", "agent3@example.test" }));
        Assert.That(Parse(notes[0]).TextBody, Does.Contain("support contract").And.Contain("Agent One"));
        var details = (await TicketAsync(number))!;
        var stored = details.Messages.Single(m => m.MessageId == "note@agent.example");
        Assert.That((stored.Kind, stored.NewText), Is.EqualTo(("note", "This customer has a support contract.")));
        Assert.That(details.Ticket.FirstResponseAt, Is.Null);
    }

    [Test]
    public async Task AssigningNotifiesTheNewOwnerWithTheirOwnToken()
    {
        _h = await IngestHarness.StartAsync(rules: TeamRules);
        var number = await NewTicketAsync();
        await _h.IngestAsync(AgentReply("Agent One <agent1@example.test>", await TokenAddressAsync(number, "agent1@example.test"), "assign@agent.example",
            "#assign Agent Two"));

        var ticket = (await TicketAsync(number))!.Ticket;
        Assert.That(ticket.Owner, Is.EqualTo("agent2@example.test"));
        var row = (await RowsAsync("notification")).Single(r => r.IdempotencyKey.StartsWith("assign:", StringComparison.Ordinal));
        Assert.That(row.Recipients, Is.EqualTo(new[] { "agent2@example.test" }));
        var mail = Parse(row);
        Assert.That(mail.Subject, Does.StartWith($"Assigned [#{number}]"));
        Assert.That(mail.TextBody, Does.Contain("Agent One assigned").And.Contain("My printer is broken."));
        var token = mail.ReplyTo.Mailboxes.Single().Address.Split('+')[1].Split('@')[0];
        Assert.That((await _h.ReplyTokensAsync()).VerifyForAgent(token, "agent2@example.test"), Is.EqualTo(number));
        Assert.That(await RowsAsync("agent"), Is.Empty, "commands only: nothing to the customer");
    }

    [Test]
    public async Task AReplyAllToTheCustomerIsRecordedAsTheAnswerAndNotSentAgain()
    {
        _h = await IngestHarness.StartAsync(rules: TeamRules);
        var number = await NewTicketAsync();
        await _h.IngestAsync(AgentReply("Agent One <agent1@example.test>", "Customer Three <customer3@example.test>", "all@agent.example",
            "Hello, it is fixed now.", $"Cc: {await TokenAddressAsync(number, "agent1@example.test")}\nIn-Reply-To: <c1@customer.example>\n"));

        var details = (await TicketAsync(number))!;
        Assert.That(details.Ticket.FirstResponseAt, Is.Not.Null);
        Assert.That(details.Ticket.Status, Is.EqualTo(TicketStatus.Pending));
        Assert.That(details.Messages.Single(m => m.MessageId == "all@agent.example").Kind, Is.EqualTo("agent"));
        Assert.That(await RowsAsync("agent"), Is.Empty);
    }

    [Test]
    public async Task TheCustomersReplyOpensAPendingTicketAndAfterCloseReopensInsideTheWindowOrOpensALinkedTicket()
    {
        _h = await IngestHarness.StartAsync(rules: TeamRules);
        var number = await NewTicketAsync();
        await _h.IngestAsync(AgentReply("Agent One <agent1@example.test>", await TokenAddressAsync(number, "agent1@example.test"), "p@agent.example", "Restart it."));
        Assert.That((await TicketAsync(number))!.Ticket.Status, Is.EqualTo(TicketStatus.Pending));

        await _h.IngestAsync(Mails.Reply("customer3@example.test", "Re: Printer broken", "c2@customer.example", "c1@customer.example", "Did not help.\n"));
        Assert.That((await TicketAsync(number))!.Ticket.Status, Is.EqualTo(TicketStatus.Open));
        var followUps = (await RowsAsync("notification")).Where(r => r.IdempotencyKey.Contains("c2@customer.example")).ToList();
        Assert.That(followUps.SelectMany(r => r.Recipients), Is.EqualTo(new[] { "agent1@example.test" }), "the owner hears of the customer's reply");

        await _h.IngestAsync(AgentReply("Agent One <agent1@example.test>", await TokenAddressAsync(number, "agent1@example.test"), "close@agent.example", "#close"));
        var closed = (await TicketAsync(number))!.Ticket;
        Assert.That((closed.Status, closed.ClosedAt), Is.EqualTo((TicketStatus.Closed, (DateTimeOffset?)_h.Time.GetUtcNow())));

        _h.Time.Advance(TimeSpan.FromHours(1));
        var reopened = await _h.IngestAsync(Mails.Reply("customer3@example.test", "Re: Printer broken", "c3@customer.example", "c2@customer.example", "Again.\n"));
        Assert.That(reopened.Ticket, Is.EqualTo(number));
        Assert.That((await TicketAsync(number))!.Ticket.Status, Is.EqualTo(TicketStatus.Open));

        await _h.IngestAsync(AgentReply("Agent One <agent1@example.test>", await TokenAddressAsync(number, "agent1@example.test"), "close2@agent.example", "#close"));
        _h.Time.Advance(_h.App.Options.Threading.ReopenWindow + TimeSpan.FromDays(1));
        var later = await _h.IngestAsync(Mails.Reply("customer3@example.test", "Re: Printer broken", "c4@customer.example", "c3@customer.example", "Once more.\n"));
        Assert.That(later.Ticket, Is.Not.EqualTo(number));
        Assert.That((await TicketAsync(later.Ticket!.Value))!.Ticket.PreviousTicketId, Is.EqualTo(closed.Id));
    }

    [Test]
    public async Task AnAnswerBeforeADelayedAcknowledgementIsDueDropsTheAcknowledgement()
    {
        _h = await IngestHarness.StartAsync(rules: TeamRules + "ack: { delay: 15m }\n");
        var number = await NewTicketAsync(customer: "Customer Three <customer3@example.test>", id: $"delay-{Guid.NewGuid():N}@customer.example");
        _h.Time.Advance(TimeSpan.FromMinutes(5));
        await _h.IngestAsync(AgentReply("Agent One <agent1@example.test>", await TokenAddressAsync(number, "agent1@example.test"), $"fast-{Guid.NewGuid():N}@agent.example",
            "Hello, done already."));
        _h.Time.Advance(TimeSpan.FromMinutes(15));

        var round = await _h.App.Sender("test").RunOnceAsync();
        Assert.That(round.Dropped, Is.EqualTo(1), "the acknowledgement");
        Assert.That((await RowsAsync("agent")).Single().Status, Is.EqualTo(OutboxStatus.Sent));
    }

    [Test]
    public async Task AssigningATeamWithoutOwnerNotifiesItsMembersButNotTheAssigner()
    {
        _h = await IngestHarness.StartAsync(rules: TeamRules.Replace("rules:\n",
            "  sales:\n    members: [agent2@example.test, agent3@example.test, agent1@example.test]\nrules:\n", StringComparison.Ordinal));
        var number = await NewTicketAsync();
        await _h.IngestAsync(AgentReply("Agent One <agent1@example.test>", await TokenAddressAsync(number, "agent1@example.test"), "toteam@agent.example",
            "#assign sales\n#priority urgent"));

        var ticket = (await TicketAsync(number))!.Ticket;
        Assert.That((ticket.Team, ticket.Owner, ticket.Priority), Is.EqualTo(("sales", (string?)null, "urgent")));
        var rows = (await RowsAsync("notification")).Where(r => r.IdempotencyKey.StartsWith("assign:", StringComparison.Ordinal)).ToList();
        Assert.That(rows.SelectMany(r => r.Recipients), Is.EquivalentTo(new[] { "agent2@example.test", "agent3@example.test" }));
        Assert.That(Parse(rows[0]).TextBody, Does.Contain("to team sales"));
    }

    [Test]
    public async Task AnAnswerFromBeforeTheFirstStartIsRecordedButNeverSentAgain()
    {
        _h = await IngestHarness.StartAsync(rules: TeamRules);
        var number = await NewTicketAsync();
        var raw = System.Text.Encoding.UTF8.GetBytes(AgentReply("Agent One <agent1@example.test>", await TokenAddressAsync(number, "agent1@example.test"),
            "old@agent.example", "#priority low\n\nThis was answered long ago.").ReplaceLineEndings("\r\n"));
        await _h.App.Ingest.IngestAsync(new MemoryStream(raw), new TicketWorker.Intake.IngestSource("support", 7, IsHistory: true), CancellationToken.None);

        var details = (await TicketAsync(number))!;
        Assert.That((details.Ticket.Priority, details.Ticket.FirstResponseAt is not null), Is.EqualTo(("low", true)));
        Assert.That(await RowsAsync("agent"), Is.Empty);
    }
}
