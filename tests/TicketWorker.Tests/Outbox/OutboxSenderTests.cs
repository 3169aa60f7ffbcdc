using TicketWorker.Outbox;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Outbox;

/// <summary>The outbox sender against the shared mail stack (Postfix on 10025, Dovecot IMAP on 10143) with SQLite.</summary>
[TestFixture]
public sealed class OutboxSenderTests
{
    [Test, CancelAfter(60_000)]
    public async Task QueuedRowIsDeliveredToTheCustomerInboxOnceAndMarkedSent()
    {
        using var h = await OutboxHarness.StartAsync();
        var queued = (await h.EnqueueAsync("customer1@example.test")).Item;

        var result = await h.Sender().RunOnceAsync();

        Assert.That((result.Claimed, result.Sent, result.Rescheduled, result.Failed), Is.EqualTo((1, 1, 0, 0)));
        var row = await h.RowAsync(queued.Id);
        Assert.That(row.Status, Is.EqualTo(OutboxStatus.Sent));
        Assert.That(row.SentAt, Is.EqualTo(h.Time.GetUtcNow()));
        Assert.That(row.Attempts, Is.EqualTo(1));
        Assert.That(row.LastError, Is.Null);
        Assert.That(await OutboxMailStack.CopiesDeliveredAsync("customer1", queued.MessageId), Is.EqualTo(1));
        Assert.That((await h.Sender().RunOnceAsync()).Claimed, Is.Zero, "a sent row is never claimed again");
    }

    [Test, CancelAfter(60_000)]
    public async Task EnqueueingTheSameIdempotencyKeyTwiceSendsOnce()
    {
        using var h = await OutboxHarness.StartAsync();
        var key = "ack:ticket-7:" + Guid.NewGuid().ToString("N");
        var first = await h.EnqueueAsync("customer2@example.test", key);
        var second = await h.EnqueueAsync("customer2@example.test", key);

        var round1 = await h.Sender().RunOnceAsync();
        var round2 = await h.Sender().RunOnceAsync();

        Assert.That((first.Created, second.Created), Is.EqualTo((true, false)));
        Assert.That(second.Item.Id, Is.EqualTo(first.Item.Id));
        Assert.That((round1.Sent, round2.Claimed), Is.EqualTo((1, 0)));
        Assert.That(await OutboxMailStack.CopiesDeliveredAsync("customer2", first.Item.MessageId), Is.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task UnreachableServerReschedulesTheRowAndItIsDeliveredOnceWhenTheServerIsBack()
    {
        using var h = await OutboxHarness.StartAsync(smtpPort: OutboxMailStack.ClosedPort());
        var queued = (await h.EnqueueAsync("customer3@example.test")).Item;

        var down = await h.Sender().RunOnceAsync();
        var waiting = await h.RowAsync(queued.Id);
        var early = await h.Sender().RunOnceAsync();

        Assert.That((down.Claimed, down.Sent, down.Rescheduled, down.Failed), Is.EqualTo((1, 0, 1, 0)));
        Assert.That(waiting.Status, Is.EqualTo(OutboxStatus.Queued));
        Assert.That(waiting.Attempts, Is.EqualTo(1));
        Assert.That(waiting.NextAttemptAt, Is.GreaterThan(h.Time.GetUtcNow()));
        Assert.That(waiting.LastError, Does.Contain("SMTP server unavailable"));
        Assert.That(early.Claimed, Is.Zero, "not due before its next attempt time");

        await h.ReopenAsync(OutboxMailStack.SmtpPort);
        h.Time.Advance(waiting.NextAttemptAt - h.Time.GetUtcNow());
        var back = await h.Sender().RunOnceAsync();

        Assert.That((back.Claimed, back.Sent), Is.EqualTo((1, 1)));
        var sent = await h.RowAsync(queued.Id);
        Assert.That((sent.Status, sent.Attempts, sent.LastError), Is.EqualTo((OutboxStatus.Sent, 2, (string?)null)));
        Assert.That(await OutboxMailStack.CopiesDeliveredAsync("customer3", queued.MessageId), Is.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task RowsOfAWorkerThatDiedMidBatchAreSentOnceByAnotherAfterTheClaimExpires()
    {
        using var h = await OutboxHarness.StartAsync();
        var queued = (await h.EnqueueAsync("customer17@example.test")).Item;
        var now = h.Time.GetUtcNow();
        await h.App.Database.InTransactionAsync(tx => h.App.Outbox.ClaimDueAsync(tx, "dead-worker", 10, now, now + TimeSpan.FromMinutes(5)));

        var whileClaimed = await h.Sender().RunOnceAsync();
        h.Time.Advance(TimeSpan.FromMinutes(5));
        var afterExpiry = await h.Sender().RunOnceAsync();

        Assert.That(whileClaimed.Claimed, Is.Zero);
        Assert.That((afterExpiry.Claimed, afterExpiry.Sent), Is.EqualTo((1, 1)));
        Assert.That((await h.RowAsync(queued.Id)).Attempts, Is.EqualTo(2));
        Assert.That(await OutboxMailStack.CopiesDeliveredAsync("customer17", queued.MessageId), Is.EqualTo(1));
    }

    [Test, CancelAfter(30_000)]
    public async Task UnreachableServerNeverFailsRowsEvenPastMaxAttempts()
    {
        using var h = await OutboxHarness.StartAsync(smtpPort: OutboxMailStack.ClosedPort(), outboxSettings: "\"MaxAttempts\": 2");
        var queued = (await h.EnqueueAsync("customer3@example.test")).Item;

        for (var round = 0; round < 3; round++)
        {
            Assert.That((await h.Sender().RunOnceAsync()).Rescheduled, Is.EqualTo(1));
            h.Time.Advance(TimeSpan.FromHours(2));
        }

        var row = await h.RowAsync(queued.Id);
        Assert.That((row.Status, row.Attempts), Is.EqualTo((OutboxStatus.Queued, 3)));
    }

    [Test, CancelAfter(30_000)]
    public async Task RelayDeniedFailsTheRowWithTheServerReply()
    {
        using var h = await OutboxHarness.StartAsync();
        var queued = (await h.EnqueueAsync("someone@elsewhere.invalid")).Item;

        var result = await h.Sender().RunOnceAsync();

        Assert.That((result.Sent, result.Failed), Is.EqualTo((0, 1)));
        var row = await h.RowAsync(queued.Id);
        Assert.That(row.Status, Is.EqualTo(OutboxStatus.Failed));
        Assert.That(row.LastError, Does.Contain("554").And.Contain("Relay access denied").And.Contain("someone@elsewhere.invalid"));
    }

    [Test, CancelAfter(30_000)]
    public async Task UnknownLocalUserFailsTheRowWithTheServerReply()
    {
        using var h = await OutboxHarness.StartAsync();
        var queued = (await h.EnqueueAsync("nobody@example.test")).Item;

        var result = await h.Sender().RunOnceAsync();

        Assert.That(result.Failed, Is.EqualTo(1));
        var row = await h.RowAsync(queued.Id);
        Assert.That(row.Status, Is.EqualTo(OutboxStatus.Failed));
        Assert.That(row.LastError, Does.Contain("550").And.Contain("5.1.1"));
    }

    [Test, CancelAfter(60_000)]
    public async Task PartlyRefusedRecipientsStillSendAndRecordTheRefusal()
    {
        using var h = await OutboxHarness.StartAsync();
        var queued = (await h.EnqueueAsync("customer4@example.test", recipients: ["customer4@example.test", "nobody@example.test"])).Item;

        var result = await h.Sender().RunOnceAsync();

        Assert.That((result.Sent, result.Failed), Is.EqualTo((1, 0)));
        var row = await h.RowAsync(queued.Id);
        Assert.That(row.Status, Is.EqualTo(OutboxStatus.Sent));
        Assert.That(row.LastError, Does.Contain("nobody@example.test").And.Contain("550"));
        Assert.That(row.LastError, Does.Not.Contain("customer4"));
        Assert.That(await OutboxMailStack.CopiesDeliveredAsync("customer4", queued.MessageId), Is.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task SubmissionWithStartTlsAndLoginFromAPasswordFileDeliversTheRow()
    {
        using var secrets = new TempDirectory();
        var passwordFile = secrets.Write("smtp.secret", OutboxMailStack.Password + "\n");
        using var h = await OutboxHarness.StartAsync(smtp: Submission($"\"PasswordFile\": \"{passwordFile}\""));
        var queued = (await h.EnqueueAsync("customer16@example.test")).Item;

        var result = await h.Sender().RunOnceAsync();

        Assert.That((result.Sent, result.Rescheduled), Is.EqualTo((1, 0)), (await h.RowAsync(queued.Id)).LastError);
        Assert.That(await OutboxMailStack.CopiesDeliveredAsync("customer16", queued.MessageId), Is.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task SubmissionWithAnOAuth2AccessTokenFileDeliversTheRow()
    {
        using var secrets = new TempDirectory();
        var tokenFile = secrets.Write("smtp.token", OutboxMailStack.AccessToken("support") + "\n");
        // The password is wrong on purpose: only the token can log in.
        using var h = await OutboxHarness.StartAsync(smtp: Submission($"\"Password\": \"wrong\", \"AccessTokenFile\": \"{tokenFile}\""));
        var queued = (await h.EnqueueAsync("customer16@example.test")).Item;

        var result = await h.Sender().RunOnceAsync();

        Assert.That((result.Sent, result.Rescheduled), Is.EqualTo((1, 0)), (await h.RowAsync(queued.Id)).LastError);
        Assert.That(await OutboxMailStack.CopiesDeliveredAsync("customer16", queued.MessageId), Is.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task TheSmtpProtocolLogShowsTheConversationButNeverThePassword()
    {
        using var h = await OutboxHarness.StartAsync(smtp: Submission("\"Password\": \"secret\", \"ProtocolLog\": \"../data/smtp.log\""));
        var queued = (await h.EnqueueAsync("customer16@example.test")).Item;

        var result = await h.Sender().RunOnceAsync();

        Assert.That(result.Sent, Is.EqualTo(1), (await h.RowAsync(queued.Id)).LastError);
        var log = await File.ReadAllTextAsync(Path.Combine(h.Root, "data", "smtp.log"));
        var plain = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("\0support@example.test\0secret"));
        Assert.That(log, Does.Contain("C: AUTH ").And.Contain("C: MAIL FROM:<support@example.test>"));
        Assert.That(log, Does.Not.Contain("secret").And.Not.Contain(plain).And.Not.Contain(Convert.ToBase64String("secret"u8.ToArray())));
    }

    [Test, CancelAfter(30_000)]
    public async Task RefusedSmtpLoginKeepsTheRowsQueued()
    {
        using var h = await OutboxHarness.StartAsync(smtp: Submission("\"Password\": \"wrong\""));
        var queued = (await h.EnqueueAsync("customer16@example.test")).Item;

        var result = await h.Sender().RunOnceAsync();

        Assert.That((result.Sent, result.Rescheduled, result.Failed), Is.EqualTo((0, 1, 0)));
        var row = await h.RowAsync(queued.Id);
        Assert.That(row.Status, Is.EqualTo(OutboxStatus.Queued));
        Assert.That(row.LastError, Does.StartWith("SMTP login or certificate refused").And.Not.Contain("wrong"));
    }

    [Test, CancelAfter(60_000)]
    public async Task SentMailOfAMailboxWithASentFolderIsCopiedThereOverImap()
    {
        using var h = await OutboxHarness.StartAsync();
        var queued = (await h.EnqueueAsync("customer15@example.test", mailbox: "sales")).Item;

        var result = await h.Sender(sentFolder: new ImapSentFolderAppender(h.App.Settings)).RunOnceAsync();

        Assert.That(result.Sent, Is.EqualTo(1));
        Assert.That(await OutboxMailStack.CountInInboxAsync("sales", queued.MessageId, folder: "Sent"), Is.EqualTo(1));
        Assert.That(await OutboxMailStack.CopiesDeliveredAsync("customer15", queued.MessageId), Is.EqualTo(1));
    }

    [Test, CancelAfter(120_000)]
    public async Task HundredSendsAreEachCommittedRightAfterTheServerAccepts()
    {
        // Also the measurement of the crash window printed for the README: DATA 250 → "sent" committed.
        using var h = await OutboxHarness.StartAsync(outboxSettings: "\"BatchSize\": 100");
        for (var i = 0; i < 100; i++)
        {
            await h.EnqueueAsync("customer20@example.test");
        }

        var result = await h.Sender().RunOnceAsync();

        Assert.That((result.Claimed, result.Sent), Is.EqualTo((100, 100)));
        Assert.That(result.CommitWindows, Has.Count.EqualTo(100));
        var counts = await h.App.Database.InReadAsync(tx => h.App.Outbox.CountAsync(tx));
        Assert.That(counts.Sent, Is.EqualTo(100));
        var ms = result.CommitWindows.Select(w => w.TotalMilliseconds).Order().ToList();
        await TestContext.Out.WriteLineAsync(
            $"crash window (server's 250 to DATA → 'sent' committed, SQLite, {ms.Count} sends): " +
            $"median {ms[ms.Count / 2]:0.00} ms, p95 {ms[(int)(ms.Count * 0.95)]:0.00} ms, max {ms[^1]:0.00} ms, mean {ms.Average():0.00} ms");
    }

    private static string Submission(string credential) =>
        $$"""
        { "Host": "{{OutboxMailStack.Host}}", "Port": {{OutboxMailStack.SubmissionPort}}, "Security": "StartTls",
          "Username": "support@example.test", {{credential}}, "TrustedCertificate": "{{OutboxMailStack.CertificatePath}}" }
        """;
}
