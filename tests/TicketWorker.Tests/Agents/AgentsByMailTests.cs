using System.Text.Json;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Search;
using MailKit.Security;
using MimeKit;
using TicketWorker.Cli;
using TicketWorker.Intake;
using TicketWorker.Mail;
using TicketWorker.Storage;
using TicketWorker.Tests.Infrastructure;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Agents;

/// <summary>
/// Issue 13 "Done when", all by mail over the local stack: the customer writes through Postfix, the
/// worker reads its own folder of support@ over IMAP and sends through the outbox, the agents read their
/// INBOX and answer from their own mailboxes through submission (AUTH), the customer's INBOX is checked.
/// Mail to support@ lands in its shared INBOX; each test moves only its own messages (unique Message-IDs)
/// into its own folder, so parallel runs never read each other's mail.
/// </summary>
public class AgentsByMailTests
{
    private const string Rules = """
        teams:
          support:
            members: [agent1@example.test, agent2@example.test]
            assign: fixed
            owner: agent1@example.test
        rules:
          - name: everything to support
            then: { team: support }

        """;

    private string _folder = null!;
    private IngestHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _folder = "Agents-" + Guid.NewGuid().ToString("N")[..10];
        using (var support = await TestMailbox.ConnectAsync("support")) await support.CreateFolderAsync(_folder);
        _h = await IngestHarness.StartAsync(
            extraSettings: $", \"TemplatesPath\": \"{Path.Combine(RepoRoot.Path, "templates")}\"",
            mailboxes: IngestHarness.StackMailbox("support", _folder, extra: "\"FirstStart\": \"Import\","), rules: Rules);
    }

    [TearDown]
    public async Task TearDown()
    {
        _h?.Dispose();
        using var support = await TestMailbox.ConnectAsync("support");
        await support.DeleteFolderAsync(_folder);
    }

    [Test]
    public async Task ACustomerIsAnsweredByAnAgentsReplyWithACommandAndSpoofedCommandsNotesAndReplyAllsDoWhatTheyShould()
    {
        var run = Guid.NewGuid().ToString("N")[..12];
        var subject = $"Label printer offline {run}";
        var customer = "customer14";

        // 1. The customer writes.
        var first = new MimeMessage { Subject = subject, MessageId = $"first-{run}@customer.example" };
        first.From.Add(new MailboxAddress("Customer Fourteen", MailStack.Address(customer)));
        first.To.Add(MailboxAddress.Parse("support@example.test"));
        first.Body = new TextPart("plain") { Text = "Hello,\nour label printer is offline since this morning.\n" };
        await SendAsync(first);
        await TakeInAsync(first.MessageId);
        var number = (await _h.TicketsAsync()).Single().Ticket.Number;
        await SendOutboxAsync();

        // 2. agent1 gets the notification.
        using var agent1 = await TestMailbox.ConnectAsync("agent1");
        var notification = await OneAsync(agent1, SearchQuery.SubjectContains(subject), "agent1's notification");
        Assert.That(notification.TextBody, Does.Contain("label printer is offline"));

        // 3. agent1 answers with Reply: a command on the first line, the notification quoted below.
        var answer = Reply(notification, "agent1", $"answer-{run}@agent.example",
            "#priority high\n\nHello,\nplease switch it off and on again; the firmware update finishes then.\n\nAgent One\n\n"
            + $"On Mon, 2 Mar 2026 at 09:00, support@example.test wrote:\n" + string.Join("\n", notification.TextBody!.ReplaceLineEndings("\n").Split('\n').Select(l => "> " + l)));
        await SubmitAsync(answer, "agent1");
        await TakeInAsync(answer.MessageId);
        await SendOutboxAsync();

        // 4. The customer has the answer: the new text only, threaded to their first mail, from support@ with the agent's name.
        using var customerBox = await TestMailbox.ConnectAsync(customer);
        var relayed = await OneAsync(customerBox, SearchQuery.SubjectContains(subject).And(SearchQuery.BodyContains("firmware update")), "the relayed answer");
        Assert.That(relayed.From.Mailboxes.Single(), Is.EqualTo(new MailboxAddress("Agent One (Support)", "support@example.test")));
        Assert.That(relayed.Subject, Does.Contain($"[#{number}]"));
        Assert.That(relayed.InReplyTo, Is.EqualTo(first.MessageId));
        Assert.That(relayed.References, Does.Contain(first.MessageId));
        Assert.That(relayed.TextBody, Does.Contain("please switch it off and on again"));
        foreach (var body in new[] { relayed.TextBody!, relayed.HtmlBody! })
            Assert.That(body, Does.Not.Contain("#priority").And.Not.Contain("A new ticket has been opened").And.Not.Contain("wrote:"));

        // 5. tickets show: priority high, first response recorded, the answer stored as the agent's.
        var shown = await ShowAsync(number);
        Assert.That(shown.GetProperty("priority").GetString(), Is.EqualTo("high"));
        Assert.That(shown.GetProperty("firstResponseAt").ValueKind, Is.EqualTo(JsonValueKind.String));
        Assert.That(shown.GetProperty("status").GetString(), Is.EqualTo("pending"));

        // 6. agent2 sends #close with agent1's From: with agent2's own token, and with no token at all. Nothing changes.
        var tokens = await _h.ReplyTokensAsync();
        foreach (var (to, id) in new[]
                 {
                     (tokens.AddressForAgent("support@example.test", number, "agent2@example.test"), $"spoof-token-{run}@agent.example"),
                     ("support@example.test", $"spoof-none-{run}@agent.example"),
                 })
        {
            var spoof = new MimeMessage { Subject = $"Re: {subject} [#{number}]", MessageId = id };
            spoof.From.Add(new MailboxAddress("Agent One", "agent1@example.test"));
            spoof.To.Add(MailboxAddress.Parse(to));
            spoof.InReplyTo = notification.MessageId;
            spoof.Body = new TextPart("plain") { Text = "#close\n\nSpoofed: your ticket is closed.\n" };
            await SendAsync(spoof); // plain SMTP, as a forger would: no AUTH
            await TakeInAsync(id);
        }
        await SendOutboxAsync();
        shown = await ShowAsync(number);
        Assert.That(shown.GetProperty("status").GetString(), Is.EqualTo("pending"), "the spoofed #close changed nothing");

        // 7. agent1's #note reaches agent2, never the customer.
        var note = Reply(notification, "agent1", $"note-{run}@agent.example", $"#note\nInternal {run}: their contract ends in May.\n");
        await SubmitAsync(note, "agent1");
        await TakeInAsync(note.MessageId);
        await SendOutboxAsync();
        using (var agent2 = await TestMailbox.ConnectAsync("agent2"))
            Assert.That((await OneAsync(agent2, SearchQuery.BodyContains($"Internal {run}"), "agent2's note")).TextBody, Does.Contain("contract ends in May"));

        // 8. agent1 answers the customer directly, copying the worker: recorded once, not sent again.
        var direct = new MimeMessage { Subject = $"Re: {subject}", MessageId = $"direct-{run}@agent.example" };
        direct.From.Add(new MailboxAddress("Agent One", "agent1@example.test"));
        direct.To.Add(new MailboxAddress("Customer Fourteen", MailStack.Address(customer)));
        direct.Cc.Add(MailboxAddress.Parse(notification.ReplyTo.Mailboxes.Single().Address));
        direct.InReplyTo = first.MessageId;
        direct.References.Add(first.MessageId);
        direct.Body = new TextPart("plain") { Text = $"Hello again,\nthe new firmware {run} is out.\n" };
        await SubmitAsync(direct, "agent1");
        await TakeInAsync(direct.MessageId);
        Assert.That((await _h.App.Ingest.IngestAsync(new MemoryStream(await RawAsync(direct)), IngestSource.Pipe("support"), CancellationToken.None)).Action,
            Is.EqualTo("duplicate"), "a replay of the reply-all");
        await SendOutboxAsync();

        // Everything the customer got, once all is sent: the acknowledgement, the answer, agent1's own reply-all. No note, no command, no copy.
        await OneAsync(customerBox, SearchQuery.BodyContains($"firmware {run} is out"), "agent1's reply-all reached the customer directly, once");
        var all = await customerBox.SearchAsync("INBOX", SearchQuery.SubjectContains(subject));
        var received = new List<MimeMessage>();
        foreach (var uid in all) received.Add(await customerBox.GetMessageAsync("INBOX", uid));
        Assert.That(received.Count(m => m.TextBody?.Contains($"firmware {run} is out") == true), Is.EqualTo(1), "the reply-all once, from agent1 only: " + string.Join(" | ", received.Select(m => m.From + ": " + m.Subject)));
        Assert.That(received, Has.Count.EqualTo(3), string.Join(" | ", received.Select(m => m.From + ": " + m.Subject)));
        Assert.That(received.Select(m => m.TextBody ?? ""), Has.None.Contains($"Internal {run}").And.None.Contains("Spoofed").And.None.Contains("#close"));

        var checks = (await ShowAsync(number)).GetProperty("messages").EnumerateArray()
            .Where(m => m.TryGetProperty("agentCheck", out var c) && c.ValueKind == JsonValueKind.String)
            .ToDictionary(m => m.GetProperty("messageId").GetString()!, m => m.GetProperty("agentCheck").GetString()!);
        Assert.That(checks[answer.MessageId!], Is.EqualTo("token"), "tickets show says how the answer was verified");
        Assert.That(checks[$"spoof-token-{run}@agent.example"], Does.StartWith("failed: "));
        var details = (await _h.TicketAsync(number))!;
        Assert.That(details.Messages.Single(m => m.MessageId == direct.MessageId).Kind, Is.EqualTo("agent"));
        Assert.That(details.Messages.Single(m => m.MessageId == note.MessageId).Kind, Is.EqualTo("note"));
        Assert.That(details.Messages.Where(m => m.MessageId.StartsWith("spoof-", StringComparison.Ordinal)).Select(m => m.Kind), Is.EqualTo(new[] { "customer", "customer" }));
    }

    [Test]
    public async Task AReplyAllThatCopiesPlainSupportIsTheAgentsAnswerWhenTheWorkerVerifiesItsDkimSignature()
    {
        // A reply-all from an agent who reads the shared mailbox carries no reply token. With dkim configured
        // (the agents' server signs their mail: OpenDKIM in the test stack, key served by the stack's DNS), it
        // is still the agent's answer: first response, pending, and not sent to the customer a second time.
        _h.Dispose();
        _h = await IngestHarness.StartAsync(
            extraSettings: $", \"TemplatesPath\": \"{Path.Combine(RepoRoot.Path, "templates")}\", "
                + $"\"AgentVerification\": {{ \"Methods\": [\"token\", \"dkim\"], \"DnsServer\": \"{Verification.AgentAuthStack.DnsServer}\" }}",
            mailboxes: IngestHarness.StackMailbox("support", _folder, extra: "\"FirstStart\": \"Import\","), rules: Rules);
        var run = Guid.NewGuid().ToString("N")[..12];
        var subject = $"Scanner jams {run}";
        var customer = "customer15";

        var first = new MimeMessage { Subject = subject, MessageId = $"first-{run}@customer.example" };
        first.From.Add(new MailboxAddress("Customer Fifteen", MailStack.Address(customer)));
        first.To.Add(MailboxAddress.Parse("support@example.test"));
        first.Body = new TextPart("plain") { Text = "Hello,\nthe scanner jams on every page.\n" };
        await SendAsync(first);
        await TakeInAsync(first.MessageId);
        var number = (await _h.TicketsAsync()).Single().Ticket.Number;
        await SendOutboxAsync();

        var direct = new MimeMessage { Subject = $"Re: {subject}", MessageId = $"direct-{run}@agent.example" };
        direct.From.Add(new MailboxAddress("Agent One", "agent1@example.test"));
        direct.To.Add(new MailboxAddress("Customer Fifteen", MailStack.Address(customer)));
        direct.Cc.Add(MailboxAddress.Parse("support@example.test"));
        direct.InReplyTo = first.MessageId;
        direct.References.Add(first.MessageId);
        direct.Body = new TextPart("plain") { Text = $"Hello,\nplease clean roller {run}.\n" };
        await SubmitAsync(direct, "agent1");
        await TakeInAsync(direct.MessageId);
        await SendOutboxAsync();

        var shown = await ShowAsync(number);
        Assert.That(shown.GetProperty("firstResponseAt").ValueKind, Is.EqualTo(JsonValueKind.String), "the reply-all is the first response");
        Assert.That(shown.GetProperty("status").GetString(), Is.EqualTo("pending"));
        var check = shown.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("messageId").GetString() == direct.MessageId).GetProperty("agentCheck").GetString();
        Assert.That(check, Does.StartWith("dkim"), "verified by the worker's own DKIM check");
        Assert.That((await _h.TicketAsync(number))!.Messages.Single(m => m.MessageId == direct.MessageId).Kind, Is.EqualTo("agent"));

        using var customerBox = await TestMailbox.ConnectAsync(customer);
        await OneAsync(customerBox, SearchQuery.BodyContains($"clean roller {run}"), "the reply-all reached the customer once, directly");
    }

    private async Task<JsonElement> ShowAsync(long number)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var code = await CliApp.RunAsync(["tickets", "show", number.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json", "--config", _h.App.Folder.Directory],
            output, errors);
        Assert.That(code, Is.EqualTo(CliApp.Ok), errors.ToString());
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    /// <summary>A Reply in a mail client: to the Reply-To, "Re:" subject, In-Reply-To and References of the notification.</summary>
    private static MimeMessage Reply(MimeMessage original, string user, string messageId, string text)
    {
        var reply = new MimeMessage { Subject = "Re: " + original.Subject, MessageId = messageId, InReplyTo = original.MessageId };
        reply.From.Add(new MailboxAddress(user == "agent1" ? "Agent One" : "Agent Two", MailStack.Address(user)));
        reply.To.AddRange(original.ReplyTo.Count > 0 ? original.ReplyTo : original.From);
        foreach (var id in original.References) reply.References.Add(id);
        reply.References.Add(original.MessageId!);
        reply.Body = new TextPart("plain") { Text = text };
        return reply;
    }

    private static async Task<byte[]> RawAsync(MimeMessage message)
    {
        using var buffer = new MemoryStream();
        await message.WriteToAsync(buffer);
        return buffer.ToArray();
    }

    /// <summary>Plain SMTP into Postfix, no AUTH (what any sender on the internet does).</summary>
    private static async Task SendAsync(MimeMessage message)
    {
        message.Date = DateTimeOffset.UtcNow;
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync(MailStack.Host, MailStack.SmtpPort, SecureSocketOptions.None);
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(true);
    }

    /// <summary>Submission with STARTTLS (the stack's certificate trusted) and AUTH as the user: an agent's own mail client.</summary>
    private static async Task SubmitAsync(MimeMessage message, string user)
    {
        message.Date = DateTimeOffset.UtcNow;
        var trust = CertificateTrust.FromPemFile(MailStack.CertificatePath);
        using var smtp = new SmtpClient
        {
            ServerCertificateValidationCallback = (_, certificate, chain, errors) => trust.IsTrusted(certificate, chain, errors),
            CheckCertificateRevocation = false,
        };
        await smtp.ConnectAsync(MailStack.Host, MailStack.SubmissionPort, SecureSocketOptions.StartTls);
        await smtp.AuthenticateAsync(MailStack.Address(user), MailStack.Password);
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(true);
    }

    /// <summary>Moves the message (once Postfix delivered it to support@'s INBOX) into this test's folder and lets the worker read the folder over IMAP.</summary>
    private async Task TakeInAsync(string? messageId)
    {
        using (var support = await TestMailbox.ConnectAsync("support"))
        {
            var uids = await support.WaitForAsync("INBOX", SearchQuery.HeaderContains("Message-ID", messageId!));
            Assert.That(uids, Has.Count.EqualTo(1), $"{messageId} reached support@");
            var inbox = await support.FolderAsync("INBOX");
            await inbox.OpenAsync(FolderAccess.ReadWrite);
            await inbox.MoveToAsync(uids, await support.FolderAsync(_folder));
        }
        var options = _h.App.Options.Mailboxes.Single();
        using var client = await ServerConnections.OpenImapAsync(_h.App.Settings, options, CancellationToken.None);
        var intake = _h.App.Intake(options, "test-worker");
        var folder = await intake.OpenFolderAsync(client, CancellationToken.None);
        Assert.That(await intake.CatchUpAsync(client, folder, CancellationToken.None), Is.EqualTo(1), $"the worker read {messageId}");
    }

    private async Task SendOutboxAsync()
    {
        var result = await _h.App.Sender("test").RunOnceAsync();
        Assert.That(result.Failed, Is.Zero);
    }

    private static async Task<MimeMessage> OneAsync(TestMailbox mailbox, SearchQuery query, string what)
    {
        var uids = await mailbox.WaitForAsync("INBOX", query);
        Assert.That(uids, Has.Count.EqualTo(1), what);
        return await mailbox.GetMessageAsync("INBOX", uids[0]);
    }
}
