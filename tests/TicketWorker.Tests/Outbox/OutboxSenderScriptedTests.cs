using System.Text;
using TicketWorker.Configuration;
using TicketWorker.Outbox;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Outbox;

/// <summary>What Postfix does not do on demand: a 4xx to DATA, and the commands on one connection (scripted SMTP server).</summary>
[TestFixture]
public sealed class OutboxSenderScriptedTests
{
    [Test, CancelAfter(30_000)]
    public async Task TemporaryRefusalIsRetriedWithBackoffThenFailedAfterMaxAttempts()
    {
        await using var server = new ScriptedSmtpServer("451 4.3.0 Try again later");
        using var h = await OutboxHarness.StartAsync(server.Port, "\"MaxAttempts\": 2, \"InitialRetryDelay\": \"00:00:30\"");
        var queued = (await h.EnqueueAsync("customer6@example.test")).Item;

        var first = await h.Sender().RunOnceAsync();
        var waiting = await h.RowAsync(queued.Id);

        Assert.That((first.Rescheduled, first.Failed), Is.EqualTo((1, 0)));
        Assert.That(waiting.Status, Is.EqualTo(OutboxStatus.Queued));
        Assert.That(waiting.LastError, Does.Contain("451").And.Contain("Try again later"));
        Assert.That(waiting.NextAttemptAt - h.Time.GetUtcNow(), Is.InRange(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)));

        h.Time.Advance(TimeSpan.FromSeconds(30));
        var second = await h.Sender().RunOnceAsync();
        var failed = await h.RowAsync(queued.Id);

        Assert.That((second.Rescheduled, second.Failed), Is.EqualTo((0, 1)));
        Assert.That(failed.Status, Is.EqualTo(OutboxStatus.Failed));
        Assert.That(failed.LastError, Does.StartWith("gave up after 2 attempts").And.Contain("451"));
    }

    [Test, CancelAfter(30_000)]
    public async Task OneConnectionCarriesTheWholeBatch()
    {
        await using var server = new ScriptedSmtpServer("250 2.0.0 Ok: queued as 4F1");
        using var h = await OutboxHarness.StartAsync(server.Port);
        for (var i = 0; i < 3; i++)
        {
            await h.EnqueueAsync("customer7@example.test");
        }

        var result = await h.Sender().RunOnceAsync();

        Assert.That(result.Sent, Is.EqualTo(3));
        Assert.That(server.Connections, Is.EqualTo(1));
        // RFC 5321 §4.1.4: a completed transaction needs no RSET before the next MAIL.
        Assert.That((server.Count("MAIL"), server.Count("DATA"), server.Count("QUIT")), Is.EqualTo((3, 3, 1)));
    }

    [Test, CancelAfter(30_000)]
    public async Task ARefusedMessageIsResetAndTheNextGoesOverTheSameConnection()
    {
        await using var server = new ScriptedSmtpServer("554 5.7.1 Message refused");
        using var h = await OutboxHarness.StartAsync(server.Port);
        for (var i = 0; i < 3; i++)
        {
            await h.EnqueueAsync("customer7@example.test");
        }

        var result = await h.Sender().RunOnceAsync();

        Assert.That((result.Sent, result.Failed), Is.EqualTo((0, 3)));
        Assert.That(server.Connections, Is.EqualTo(1));
        Assert.That((server.Count("MAIL"), server.Count("RSET"), server.Count("QUIT")), Is.EqualTo((3, 3, 1)));
    }

    [Test, CancelAfter(30_000)]
    public async Task TheServerReceivesTheStoredBytesOfEachRowExactly()
    {
        await using var server = new ScriptedSmtpServer("250 2.0.0 Ok") { Extensions = ["8BITMIME"] };
        using var h = await OutboxHarness.StartAsync(server.Port);
        var written = (await h.EnqueueAsync("customer8@example.test", subject: "Ответ — Απάντηση — پاسخ", text: "سلام\n.\n..two dots\nЗдравствуйте\n")).Item;
        // A row written elsewhere: raw 8-bit UTF-8 declared 8bit, odd folding and an unusual header.
        var legacyRaw = Encoding.UTF8.GetBytes(
            "From: support@example.test\r\nTo: customer8@example.test\r\nSubject: =?utf-8?Q?Gr=C3=BC=C3=9Fe?=\r\n" +
            "Message-ID: <legacy-1@example.test>\r\nX-Odd:   spaced\r\n\tfolded value\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße — سلام\r\n.\r\nend\r\n");
        var legacy = (await h.EnqueueRawAsync(legacyRaw, "legacy-1@example.test", ["customer8@example.test"])).Item;

        var result = await h.Sender().RunOnceAsync();

        Assert.That(result.Sent, Is.EqualTo(2));
        Assert.That(server.Messages.ToArray(), Is.EqualTo(new[] { written.Raw, legacy.Raw }));
        Assert.That(server.Commands.Where(c => c.StartsWith("MAIL", StringComparison.Ordinal)), Is.EqualTo(new[]
        {
            "MAIL FROM:<support@example.test>", "MAIL FROM:<support@example.test> BODY=8BITMIME",
        }), "only the 8-bit row is declared 8BITMIME");
    }

    [Test, CancelAfter(30_000)]
    public async Task TheAnnouncedSizeIsTheStoredSizeAndARowAboveTheServersLimitFailsUnsent()
    {
        await using var server = new ScriptedSmtpServer("250 2.0.0 Ok") { Extensions = ["SIZE 2000"] };
        using var h = await OutboxHarness.StartAsync(server.Port);
        var small = (await h.EnqueueAsync("customer8@example.test")).Item;
        var large = (await h.EnqueueAsync("customer8@example.test", text: new string('x', 3000))).Item;

        var result = await h.Sender().RunOnceAsync();

        Assert.That((result.Sent, result.Failed), Is.EqualTo((1, 1)));
        Assert.That(server.Commands.Single(c => c.StartsWith("MAIL", StringComparison.Ordinal)), Is.EqualTo($"MAIL FROM:<support@example.test> SIZE={small.Raw.Length}"));
        Assert.That((await h.RowAsync(large.Id)).LastError, Does.StartWith("not sendable:").And.Contain("limit of 2000 bytes"));
    }

    [Test, CancelAfter(30_000)]
    public async Task AnEightBitRowIsNotSentToAServerWithout8BitMimeRatherThanReEncoded()
    {
        await using var server = new ScriptedSmtpServer("250 2.0.0 Ok");
        using var h = await OutboxHarness.StartAsync(server.Port);
        var raw = Encoding.UTF8.GetBytes("From: support@example.test\r\nMessage-ID: <8bit-1@example.test>\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n");
        var queued = (await h.EnqueueRawAsync(raw, "8bit-1@example.test", ["customer8@example.test"])).Item;

        var result = await h.Sender().RunOnceAsync();

        Assert.That(result.Failed, Is.EqualTo(1));
        Assert.That((await h.RowAsync(queued.Id)).LastError, Does.StartWith("not sendable:").And.Contain("8BITMIME"));
        Assert.That(server.Count("MAIL"), Is.Zero);
    }

    [Test, CancelAfter(30_000)]
    public async Task EveryRecipientRefusedTransientlyIsRetriedAndPermanentlyIsFailedEachNamedWithItsReply()
    {
        await using var server = new ScriptedSmtpServer("250 2.0.0 Ok")
        {
            RecipientReply = address => address.StartsWith("busy", StringComparison.Ordinal) ? "450 4.2.1 Mailbox busy" : "550 5.1.1 No such user",
        };
        using var h = await OutboxHarness.StartAsync(server.Port);
        var busy = (await h.EnqueueAsync("busy1@example.test", recipients: ["busy1@example.test", "busy2@example.test"])).Item;
        var gone = (await h.EnqueueAsync("gone@example.test", recipients: ["busy3@example.test", "gone@example.test"])).Item;

        var result = await h.Sender().RunOnceAsync();

        Assert.That((result.Sent, result.Rescheduled, result.Failed), Is.EqualTo((0, 1, 1)));
        var retried = await h.RowAsync(busy.Id);
        Assert.That(retried.Status, Is.EqualTo(OutboxStatus.Queued));
        Assert.That(retried.LastError, Is.EqualTo("every recipient refused: <busy1@example.test>: 450 4.2.1 Mailbox busy; <busy2@example.test>: 450 4.2.1 Mailbox busy"));
        var failed = await h.RowAsync(gone.Id);
        Assert.That(failed.Status, Is.EqualTo(OutboxStatus.Failed));
        Assert.That(failed.LastError, Does.StartWith("every recipient refused:").And.Contain("<gone@example.test>: 550 5.1.1 No such user"));
        Assert.That((server.Count("DATA"), server.Connections), Is.EqualTo((0, 1)), "no data without a recipient; one session");
    }

    [Test, CancelAfter(30_000)]
    public async Task ARecipientRefusedTransientlyIsRecordedWhileTheOthersGetTheMessage()
    {
        await using var server = new ScriptedSmtpServer("250 2.0.0 Ok") { RecipientReply = a => a == "busy@example.test" ? "452 4.2.2 Over quota" : null };
        using var h = await OutboxHarness.StartAsync(server.Port);
        var queued = (await h.EnqueueAsync("customer8@example.test", recipients: ["customer8@example.test", "busy@example.test"])).Item;

        var result = await h.Sender().RunOnceAsync();

        Assert.That(result.Sent, Is.EqualTo(1));
        var row = await h.RowAsync(queued.Id);
        Assert.That((row.Status, row.LastError), Is.EqualTo((OutboxStatus.Sent, "sent; refused recipients: <busy@example.test>: 452 4.2.2 Over quota")));
        Assert.That(server.Messages, Has.Count.EqualTo(1));
    }

    [Test, CancelAfter(30_000)]
    public async Task AServerClosingWith421RetriesTheRowAndTheNextRowOpensANewSession()
    {
        await using var server = new ScriptedSmtpServer("421 4.3.2 Shutting down");
        using var h = await OutboxHarness.StartAsync(server.Port);
        var first = (await h.EnqueueAsync("customer7@example.test")).Item;
        await h.EnqueueAsync("customer7@example.test");

        var result = await h.Sender().RunOnceAsync();

        Assert.That((result.Sent, result.Rescheduled, result.Failed), Is.EqualTo((0, 2, 0)));
        Assert.That((await h.RowAsync(first.Id)).LastError, Does.StartWith("421 4.3.2 Shutting down"));
        Assert.That(server.Connections, Is.EqualTo(2));
    }

    [Test, CancelAfter(30_000)]
    public async Task ANonAsciiEnvelopeAddressFailsTheRowWhereTheServerLacksSmtpUtf8()
    {
        await using var server = new ScriptedSmtpServer("250 2.0.0 Ok");
        using var h = await OutboxHarness.StartAsync(server.Port);
        var queued = (await h.EnqueueAsync("customer8@example.test", recipients: ["мария@example.test"])).Item;

        var result = await h.Sender().RunOnceAsync();

        Assert.That(result.Failed, Is.EqualTo(1));
        Assert.That((await h.RowAsync(queued.Id)).LastError, Does.StartWith("not sendable:").And.Contain("SMTPUTF8"));
        Assert.That(server.Count("MAIL"), Is.Zero);
    }

    [Test, CancelAfter(30_000)]
    public async Task EnvelopeSenderFallsBackToTheMailboxSmtpFromAndRecipientsAreTheRows()
    {
        await using var server = new ScriptedSmtpServer("250 2.0.0 Ok");
        using var h = await OutboxHarness.StartAsync(server.Port);
        await h.EnqueueAsync("customer8@example.test", recipients: ["customer8@example.test", "customer9@example.test"], mailbox: "sales", envelopeFrom: null);
        await h.EnqueueAsync("customer8@example.test", envelopeFrom: "bounces+7@example.test");

        await h.Sender().RunOnceAsync();

        var commands = server.Commands.Where(c => c.StartsWith("MAIL", StringComparison.Ordinal) || c.StartsWith("RCPT", StringComparison.Ordinal))
            .Select(c => c.Split(' ', 3)[1]).ToList();
        Assert.That(commands, Is.EqualTo(new[]
        {
            "FROM:<sales-bounces@example.test>", "TO:<customer8@example.test>", "TO:<customer9@example.test>",
            "FROM:<bounces+7@example.test>", "TO:<customer8@example.test>",
        }));
    }

    [Test, CancelAfter(30_000)]
    public async Task SentFolderCopyIsAppendedAndItsFailureNeverFailsTheRow()
    {
        await using var server = new ScriptedSmtpServer("250 2.0.0 Ok");
        using var h = await OutboxHarness.StartAsync(server.Port);
        var toSales = (await h.EnqueueAsync("customer8@example.test", mailbox: "sales")).Item;
        var toSupport = (await h.EnqueueAsync("customer8@example.test", mailbox: "support")).Item;
        var copies = new RecordingAppender();

        await h.Sender(sentFolder: copies).RunOnceAsync();

        Assert.That(copies.Appended, Is.EqualTo(new[] { ("sales", "Sent", toSales.MessageId, toSales.Raw.Length) }), "support has no SentFolder");

        var again = (await h.EnqueueAsync("customer8@example.test", mailbox: "sales")).Item;
        var result = await h.Sender(sentFolder: new RecordingAppender { Fail = true }).RunOnceAsync();

        Assert.That((result.Sent, result.Failed), Is.EqualTo((1, 0)));
        Assert.That((await h.RowAsync(again.Id)).Status, Is.EqualTo(OutboxStatus.Sent));
        Assert.That((await h.RowAsync(toSupport.Id)).Status, Is.EqualTo(OutboxStatus.Sent));
    }

    [Test, CancelAfter(30_000)]
    public async Task ShutdownWhileConnectingReleasesTheClaimedRowsWithoutSending()
    {
        await using var server = new ScriptedSmtpServer("250 2.0.0 Ok") { GreetingDelay = TimeSpan.FromSeconds(20) };
        using var h = await OutboxHarness.StartAsync(server.Port);
        var a = (await h.EnqueueAsync("customer5@example.test")).Item;
        var b = (await h.EnqueueAsync("customer5@example.test")).Item;
        using var stopping = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var result = await h.Sender().RunOnceAsync(stopping.Token);

        Assert.That((result.Claimed, result.Sent, result.Rescheduled, result.Failed), Is.EqualTo((2, 0, 2, 0)));
        Assert.That(server.Count("MAIL"), Is.Zero);
        foreach (var id in new[] { a.Id, b.Id })
        {
            var row = await h.RowAsync(id);
            Assert.That((row.Status, row.NextAttemptAt, row.ClaimedBy), Is.EqualTo((OutboxStatus.Queued, h.Time.GetUtcNow(), (string?)null)));
        }
    }

    [Test, CancelAfter(30_000)]
    public async Task AlreadyCancelledRoundClaimsNothing()
    {
        using var h = await OutboxHarness.StartAsync(OutboxMailStack.ClosedPort());
        var queued = (await h.EnqueueAsync("customer5@example.test")).Item;

        Assert.That(async () => await h.Sender().RunOnceAsync(new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());
        var row = await h.RowAsync(queued.Id);
        Assert.That((row.Status, row.Attempts), Is.EqualTo((OutboxStatus.Queued, 0)));
    }

    [Test]
    public async Task RetryDelayDoublesPerAttemptWithinItsJitterBandUpToTheCap()
    {
        using var h = await OutboxHarness.StartAsync(OutboxMailStack.ClosedPort());
        var sender = h.Sender();

        for (var i = 0; i < 50; i++)
        {
            Assert.That(sender.RetryDelay(1), Is.InRange(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)));
            Assert.That(sender.RetryDelay(3), Is.InRange(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120)));
            Assert.That(sender.RetryDelay(40), Is.InRange(TimeSpan.FromMinutes(30), TimeSpan.FromHours(1)));
        }
    }

    private sealed class RecordingAppender : ISentFolderAppender
    {
        public bool Fail { get; init; }

        public List<(string Mailbox, string Folder, string MessageId, int Bytes)> Appended { get; } = [];

        public Task AppendAsync(MailboxOptions mailbox, OutboxItem item, DateTimeOffset sentAt, CancellationToken cancellationToken = default)
        {
            if (Fail)
            {
                throw new IOException("IMAP server went away");
            }

            Appended.Add((mailbox.Name, mailbox.SentFolder!, item.MessageId, item.Raw.Length));
            return Task.CompletedTask;
        }
    }
}
