using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.Extensions.Logging.Abstractions;
using TicketWorker.Intake;
using TicketWorker.Mail.Imap;
using TicketWorker.Storage;
using TicketWorker.Tests.Infrastructure;

namespace TicketWorker.Tests.Intake;

/// <summary>IMAP intake against both Dovecot profiles: each test works in its own folder of support@ and sales@.</summary>
[TestFixture(ImapProfile.DefaultName)]
[TestFixture(ImapProfile.HostedName)]
public class MailboxIntakeTests(string profileName)
{
    private readonly ImapProfile _profile = ImapProfile.Of(profileName);
    private string _folder = null!;
    private IngestHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _folder = "Intake-" + Guid.NewGuid().ToString("N")[..10];
        foreach (var user in new[] { "support", "sales" })
        {
            using var mailbox = await TestMailbox.ConnectAsync(user, _profile);
            await mailbox.CreateFolderAsync(_folder);
        }
        _h = await IngestHarness.StartAsync(mailboxes: Mailbox("support") + ",\n" + Mailbox("sales", user: "sales"));
    }

    [TearDown]
    public async Task TearDown()
    {
        _h.Dispose();
        foreach (var user in new[] { "support", "sales" })
        {
            using var mailbox = await TestMailbox.ConnectAsync(user, _profile);
            await mailbox.DeleteFolderAsync(_folder);
        }
    }

    private string Mailbox(string name, string user = "support", string extra = "") =>
        IngestHarness.StackMailbox(name, _folder, user, extra, _profile.Port);

    private async Task AppendAsync(string user, params string[] messages)
    {
        using var mailbox = await TestMailbox.ConnectAsync(user, _profile);
        await mailbox.AppendAsync(_folder, messages);
    }

    /// <summary>One catch-up pass of a mailbox, as the worker's loop does after every (re)connect.</summary>
    private async Task<int> CatchUpAsync(string mailbox = "support", IngestHarness? harness = null, SpoolOptions? spool = null)
    {
        var h = harness ?? _h;
        var options = h.App.Options.Mailboxes.Single(m => m.Name == mailbox);
        using var client = await ServerConnections.OpenImapAsync(h.App.Settings, options, CancellationToken.None, spool);
        var intake = h.App.Intake(options, "test-worker");
        var folder = await intake.OpenFolderAsync(client, CancellationToken.None);
        return await intake.CatchUpAsync(client, folder, CancellationToken.None);
    }

    [Test]
    public async Task MailInTheFolderBecomesTicketsAndRepliesJoinThem()
    {
        await AppendAsync("support",
            Mails.Customer("ann@example.org", "Printer broken", "i1@example.org"),
            Mails.Reply("ann@example.org", "Re: Printer broken", "i2@example.org", "i1@example.org"),
            Mails.Customer("Bob <bob@example.com>", "RE: Printer broken", "i3@example.com"),
            Mails.Customer("bob@example.com", "AW: Printer broken", "i4@example.com"));
        Assert.That(await CatchUpAsync(), Is.EqualTo(4));
        var tickets = await _h.TicketsAsync();
        var inbound = await _h.InboundCountsAsync();
        Assert.That(tickets.Select(t => (t.Ticket.CustomerAddress, inbound[t.Ticket.Number])),
            Is.EquivalentTo(new[] { ("ann@example.org", 2), ("bob@example.com", 2) }));
    }

    [Test]
    public async Task ACatchUpAfterARestartReadsNothingTwice()
    {
        await AppendAsync("support", Mails.Customer("ann@example.org", "One", "r1@example.org"));
        Assert.That(await CatchUpAsync(), Is.EqualTo(1));
        // UID FETCH/SEARCH n:* answers with the last message even when nothing is newer (RFC 3501 §6.4.8).
        Assert.That(await CatchUpAsync(), Is.EqualTo(0));
        await AppendAsync("support", Mails.Customer("ann@example.org", "Two", "r2@example.org"));
        Assert.That(await CatchUpAsync(), Is.EqualTo(1));
        Assert.That((await _h.TicketsAsync()).Count, Is.EqualTo(2));
    }

    [Test]
    public async Task ABacklogLargerThanOneBatchIsReadInFullInOrder()
    {
        var (client, intake, folder) = await TwelveMessagesInBatchesOfFiveAsync("Batch");
        using var _ = client;
        Assert.That(await intake.CatchUpAsync(client, folder, CancellationToken.None), Is.EqualTo(12));
        var checkpoint = await _h.App.Database.InReadAsync(tx => _h.App.MailboxState.GetCheckpointAsync(tx, "support", _folder));
        Assert.That((checkpoint!.LastUid, checkpoint.Backlog), Is.EqualTo((12L, 0L)));
    }

    [Test]
    public async Task AStopAfterABatchDropsTheBatchFetchedAheadAndTheNextCatchUpReadsIt()
    {
        var (client, intake, folder) = await TwelveMessagesInBatchesOfFiveAsync("Ahead");
        using var _ = client;
        using var stopping = new CancellationTokenSource();
        // The second batch is fetched while the first is written; the stop comes when the first has committed.
        using (IntakeProgress.Observe(new StopAt(5, stopping)))
            Assert.That(await intake.CatchUpAsync(client, folder, stopping.Token), Is.EqualTo(5));

        var checkpoint = await _h.App.Database.InReadAsync(tx => _h.App.MailboxState.GetCheckpointAsync(tx, "support", _folder));
        Assert.That(checkpoint!.LastUid, Is.EqualTo(5L));
        var segments = Path.Combine(_h.DataPath, "raw", "seg");
        Assert.That(Directory.EnumerateFiles(segments, "*", SearchOption.AllDirectories).Count(), Is.EqualTo(1), "only the committed batch's segment is kept");
        Assert.That(await intake.CatchUpAsync(client, folder, CancellationToken.None), Is.EqualTo(7));
        Assert.That((await _h.TicketsAsync()).Select(t => t.Ticket.Subject), Is.EquivalentTo(Enumerable.Range(0, 12).Select(i => $"Ahead {i}")));
    }

    /// <summary>Twelve customer mails subjected "<paramref name="subject"/> 0".."11" in support's folder, and an intake of it that reads five per batch.</summary>
    private async Task<(ImapClient Client, MailboxIntake Intake, ImapFolder Folder)> TwelveMessagesInBatchesOfFiveAsync(string subject)
    {
        await AppendAsync("support", Enumerable.Range(0, 12).Select(i => Mails.Customer($"c{i}@example.org", $"{subject} {i}", $"{subject.ToLowerInvariant()}-{i}@example.org")).ToArray());
        var options = _h.App.Options.Mailboxes.Single(m => m.Name == "support");
        var client = await ServerConnections.OpenImapAsync(_h.App.Settings, options, CancellationToken.None);
        var intake = _h.App.Intake(options, "test-worker", i => i.BatchSize = 5);
        return (client, intake, await intake.OpenFolderAsync(client, CancellationToken.None));
    }

    private sealed class StopAt(long done, CancellationTokenSource stopping) : IProgress<IntakeProgress>
    {
        public void Report(IntakeProgress value)
        {
            if (value.Done >= done) stopping.Cancel();
        }
    }

    [Test]
    public async Task AMessageLargerThanTheSpoolThresholdArrivesIntact()
    {
        var body = string.Concat(Enumerable.Repeat("A line of a long customer message that goes on and on.\n", 2000));
        await AppendAsync("support", Mails.Customer("ann@example.org", "Long", "long-1@example.org", body));
        using var spool = new TempDirectory();
        Assert.That(await CatchUpAsync(spool: new SpoolOptions(1024, spool.Path)), Is.EqualTo(1));
        var ticket = (await _h.TicketAsync((await _h.TicketsAsync()).Single().Ticket.Number))!;
        Assert.That(ticket.Messages.Single().Text!.ReplaceLineEndings("\n").TrimEnd(), Is.EqualTo(body.TrimEnd()));
        Assert.That(Directory.EnumerateFiles(spool.Path), Is.Empty, "the spool file is deleted after use");
    }

    [Test]
    public async Task MailAlreadyMarkedSeenByAnAgentIsStillTicketed()
    {
        await AppendAsync("support", Mails.Customer("ann@example.org", "Seen", "s1@example.org"));
        using (var agent = await TestMailbox.ConnectAsync("support", _profile))
        {
            var folder = await agent.FolderAsync(_folder);
            await folder.OpenAsync(FolderAccess.ReadWrite);
            await folder.AddFlagsAsync(await folder.SearchAsync(SearchQuery.All), MessageFlags.Seen, silent: true);
        }
        Assert.That(await CatchUpAsync(), Is.EqualTo(1));
        Assert.That((await _h.TicketsAsync()).Single().Ticket.Subject, Is.EqualTo("Seen"));
    }

    [Test]
    public async Task TheSameMessageInTwoMonitoredMailboxesIsOneTicketMessage()
    {
        var mail = Mails.Customer("ann@example.org", "Both", "b1@example.org", to: "support@example.test, sales@example.test");
        await AppendAsync("support", mail);
        await AppendAsync("sales", mail);
        await CatchUpAsync("support");
        await CatchUpAsync("sales");
        Assert.That((await _h.InboundCountsAsync()).Values.Single(), Is.EqualTo(1));
    }

    [Test]
    public async Task ProcessedMailIsMarkedWithTheKeyword()
    {
        await AppendAsync("support", Mails.Customer("ann@example.org", "Mark", "k1@example.org"));
        await CatchUpAsync();
        using var mailbox = await TestMailbox.ConnectAsync("support", _profile);
        Assert.That(await mailbox.SearchAsync(_folder, SearchQuery.HasKeyword("$Ticketed")), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ProcessedMailIsMovedToAFolderCreatedWhenMissingAndMailAnAgentDeletedStays()
    {
        var target = _folder + "-done";
        using var h = await IngestHarness.StartAsync(mailboxes: Mailbox("support", extra: $"\"FirstStart\": \"Skip\", \"MoveToFolder\": \"{target}\","));
        // Old mail (skipped at the first start) that an agent then flags \Deleted: moving ours must not
        // expunge it (no plain EXPUNGE where MOVE is missing, RFC 4315 UID EXPUNGE instead).
        await AppendAsync("support", Mails.Customer("spam@example.org", "Agent deletes this", "m0@example.org"));
        Assert.That(await CatchUpAsync(harness: h), Is.Zero);
        using (var agent = await TestMailbox.ConnectAsync("support", _profile))
        {
            var folder = await agent.FolderAsync(_folder);
            await folder.OpenAsync(FolderAccess.ReadWrite);
            await folder.AddFlagsAsync(await folder.SearchAsync(SearchQuery.All), MessageFlags.Deleted, silent: true);
        }
        await AppendAsync("support", Mails.Customer("ann@example.org", "Move me", "m1@example.org"), Mails.Customer("bob@example.org", "Move me too", "m2@example.org"));
        Assert.That(await CatchUpAsync(harness: h), Is.EqualTo(2));

        using var mailbox = await TestMailbox.ConnectAsync("support", _profile);
        try
        {
            Assert.That(await mailbox.SearchAsync(target, SearchQuery.All), Has.Count.EqualTo(2), "both tickets' mail moved");
            Assert.That(await mailbox.SearchAsync(_folder, SearchQuery.All), Has.Count.EqualTo(1), "only the agent's deleted message is left");
            Assert.That(await mailbox.SearchAsync(_folder, SearchQuery.Deleted), Has.Count.EqualTo(1));
        }
        finally
        {
            await mailbox.DeleteFolderAsync(target);
        }
    }

    [Test]
    public async Task ANewUidValidityRescansWithoutDuplicates()
    {
        await AppendAsync("support", Mails.Customer("ann@example.org", "Validity", "v1@example.org"));
        await CatchUpAsync();
        // The folder is rebuilt (as after a server migration): same mail, new UIDVALIDITY.
        using (var mailbox = await TestMailbox.ConnectAsync("support", _profile))
        {
            await mailbox.DeleteFolderAsync(_folder);
            await mailbox.CreateFolderAsync(_folder);
        }
        await AppendAsync("support",
            Mails.Customer("ann@example.org", "Validity", "v1@example.org"),
            Mails.Customer("carl@example.org", "New one", "v2@example.org"));
        await CatchUpAsync();
        var tickets = await _h.TicketsAsync();
        var inbound = await _h.InboundCountsAsync();
        Assert.That(tickets.Select(t => (t.Ticket.Subject, inbound[t.Ticket.Number])), Is.EquivalentTo(new[] { ("Validity", 1), ("New one", 1) }));
        var checkpoint = await _h.App.Database.InReadAsync(tx => _h.App.MailboxState.GetCheckpointAsync(tx, "support", _folder));
        Assert.That(checkpoint!.LastUid, Is.EqualTo(2));
    }

    [Test]
    public async Task MailPresentAtTheFirstStartIsMarkedAsHistory()
    {
        await AppendAsync("support", Mails.Customer("ann@example.org", "Old", "h1@example.org"));
        var options = _h.App.Options.Mailboxes.Single(m => m.Name == "support");
        using var client = await ServerConnections.OpenImapAsync(_h.App.Settings, options, CancellationToken.None);
        var intake = _h.App.Intake(options, "test-worker");
        var folder = await intake.OpenFolderAsync(client, CancellationToken.None);
        await intake.CatchUpAsync(client, folder, CancellationToken.None);
        await AppendAsync("support", Mails.Customer("ann@example.org", "New", "h2@example.org"));
        await client.NoOpAsync();
        await intake.CatchUpAsync(client, folder, CancellationToken.None);
        var boundary = await _h.App.Database.InReadAsync(tx => _h.App.SettingsStore.GetAsync(tx, $"intake:support:{_folder}:history"));
        Assert.That(boundary, Is.EqualTo($"{folder.UidValidity}:2"));
    }

    [TestCase("Skip", 0)]
    [TestCase("Quiet", 2)]
    public async Task WithoutUidNextTheFirstStartBoundaryIsTheHighestUidPresent(string firstStart, int oldTicketed)
    {
        await using var proxy = new RewritingImapProxy(_profile.Port);
        var mailbox = Mailbox("support", extra: $"\"FirstStart\": \"{firstStart}\",")
            .Replace($"\"Port\": {_profile.Port}, \"Security\": \"StartTls\"", $"\"Port\": {proxy.Port}, \"Security\": \"None\"");
        using var h = await IngestHarness.StartAsync(mailboxes: mailbox);
        await AppendAsync("support",
            Mails.Customer("old1@example.org", "Old one", "nx-1@example.org"),
            Mails.Customer("old2@example.org", "Old two", "nx-2@example.org"));

        Assert.That(await CatchUpAsync(harness: h), Is.EqualTo(oldTicketed));
        await AppendAsync("support", Mails.Customer("new@example.org", "New one", "nx-3@example.org"));
        Assert.That(await CatchUpAsync(harness: h), Is.EqualTo(1));

        Assert.That(proxy.Stripped, Is.GreaterThan(0), "the proxy removed UIDNEXT from SELECT");
        var boundary = await h.App.Database.InReadAsync(tx => h.App.SettingsStore.GetAsync(tx, $"intake:support:{_folder}:history"));
        Assert.That(boundary, Does.EndWith(":3"), "UIDs 1 and 2 were there at the first start");
        // Only the new customer is acknowledged: old mail is history (Quiet) or not read at all (Skip).
        var acks = await h.App.Database.InReadAsync(tx => h.App.Outbox.ListAsync(tx, null, 100));
        Assert.That(acks.Select(a => string.Join(",", a.Recipients)), Is.EqualTo(new[] { "new@example.org" }));
    }

    [Test]
    public async Task IntakeRunsUntilStoppedAndPicksUpNewMailByIdle()
    {
        var options = _h.App.Options.Mailboxes.Single(m => m.Name == "support");
        using var stop = new CancellationTokenSource();
        var intake = _h.App.Intake(options, "test-worker");
        var running = intake.RunAsync(stop.Token);
        await AppendAsync("support", Mails.Customer("ann@example.org", "Pushed", "p1@example.org"));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await _h.TicketsAsync()).Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        // A second message after the first catch-up: only IDLE (or the poll) can bring it in.
        await AppendAsync("support", Mails.Customer("bob@example.org", "Pushed again", "p2@example.org"));
        deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await _h.TicketsAsync()).Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(50);
        stop.Cancel();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That((await _h.TicketsAsync()).Select(t => t.Ticket.Subject), Is.EquivalentTo(new[] { "Pushed", "Pushed again" }));
        var lease = await _h.App.Database.InReadAsync(tx => _h.App.MailboxState.GetLeaseAsync(tx, "support"));
        Assert.That(lease is null || lease.Value.Owner != "test-worker" || lease.Value.ExpiresAt <= _h.Time.GetUtcNow(), "the lease is released on stop");
    }

    [Test]
    public async Task IdleIsLeftAndReenteredWithinMaxIdleAndStillSeesNewMail()
    {
        using var dir = new TempDirectory();
        var log = Path.Combine(dir.Path, "imap.log");
        using var h = await IngestHarness.StartAsync(mailboxes: Mailbox("support").Replace("\"Password\":", $"\"ProtocolLog\": \"{log}\", \"Password\":"));
        var options = h.App.Options.Mailboxes.Single();
        using var stop = new CancellationTokenSource();
        var running = h.App.Intake(options, "test-worker", i => i.MaxIdle = TimeSpan.FromMilliseconds(300)).RunAsync(stop.Token);
        int Idles() => File.Exists(log) ? File.ReadLines(log).Count(l => l.StartsWith("C: ", StringComparison.Ordinal) && l.EndsWith(" IDLE", StringComparison.Ordinal)) : 0;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Idles() < 3 && DateTime.UtcNow < deadline) await Task.Delay(100);
        await AppendAsync("support", Mails.Customer("ann@example.org", "After idles", "idle-1@example.org"));
        while ((await h.TicketsAsync()).Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        stop.Cancel();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(Idles(), Is.GreaterThanOrEqualTo(3), "IDLE re-entered after MaxIdle");
        Assert.That((await h.TicketsAsync()).Select(t => t.Ticket.Subject), Is.EqualTo(new[] { "After idles" }));
        Assert.That(File.ReadLines(log).Any(l => l.Contains("LOGOUT", StringComparison.Ordinal)), "the session logs out on stop");
    }

    [Test]
    public async Task WithoutIdleTheIntakePollsAndStillSeesNewMail()
    {
        await using var proxy = new RewritingImapProxy(_profile.Port, "IDLE");
        using var dir = new TempDirectory();
        var log = Path.Combine(dir.Path, "imap.log");
        var mailbox = Mailbox("support")
            .Replace($"\"Port\": {_profile.Port}, \"Security\": \"StartTls\"", $"\"Port\": {proxy.Port}, \"Security\": \"None\"")
            .Replace("\"Password\":", $"\"ProtocolLog\": \"{log}\", \"Password\":");
        using var h = await IngestHarness.StartAsync(mailboxes: mailbox);
        using var stop = new CancellationTokenSource();
        var running = h.App.Intake(h.App.Options.Mailboxes.Single(), "test-worker").RunAsync(stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((!File.Exists(log) || !File.ReadLines(log).Any(l => l.Contains("UID SEARCH", StringComparison.Ordinal))) && DateTime.UtcNow < deadline) await Task.Delay(50);
        await AppendAsync("support", Mails.Customer("ann@example.org", "Polled", "poll-1@example.org"));
        while ((await h.TicketsAsync()).Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        stop.Cancel();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That((await h.TicketsAsync()).Select(t => t.Ticket.Subject), Is.EqualTo(new[] { "Polled" }));
        var commands = File.ReadLines(log).Where(l => l.StartsWith("C: ", StringComparison.Ordinal)).ToList();
        Assert.That(commands.Any(l => l.EndsWith(" NOOP", StringComparison.Ordinal)), "polled with NOOP (PollInterval 1 s)");
        Assert.That(commands.Any(l => l.EndsWith(" IDLE", StringComparison.Ordinal)), Is.False, "no IDLE where the server does not offer it");
    }

    [Test]
    public async Task AMailboxCanLogInWithAnOAuth2AccessTokenFile()
    {
        using var dir = new TempDirectory();
        var tokenFile = dir.Write("support.token", MailStack.CreateAccessToken("support") + "\n");
        // The password is wrong on purpose: only the token can log in.
        using var h = await IngestHarness.StartAsync(mailboxes: Mailbox("support").Replace("\"secret\"", "\"wrong\"").Replace("\"Password\":", $"\"AccessTokenFile\": \"{tokenFile}\", \"Password\":"));
        await AppendAsync("support", Mails.Customer("ann@example.org", "Token", "tok-1@example.org"));
        Assert.That(await CatchUpAsync(harness: h), Is.EqualTo(1));
    }

    [Test]
    public async Task TheProtocolLogIsWrittenWhenConfiguredWithTheSecretsRedacted()
    {
        using var dir = new TempDirectory();
        var log = Path.Combine(dir.Path, "logs", "imap.log");
        using var h = await IngestHarness.StartAsync(mailboxes: Mailbox("support").Replace("\"Password\":", $"\"ProtocolLog\": \"{log}\", \"Password\":"));
        await AppendAsync("support", Mails.Customer("ann@example.org", "Logged", "log-1@example.org"));
        Assert.That(await CatchUpAsync(harness: h), Is.EqualTo(1));
        var text = await File.ReadAllTextAsync(log);
        Assert.That(text, Does.Contain("UID FETCH"));
        Assert.That(text, Does.Not.Contain("secret"));
        Assert.That(text, Does.Not.Contain(Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("\0support@example.test\0secret"))));
    }

    [Test]
    public async Task AWrongPasswordIsReportedAsStatusNotAsACrash()
    {
        using var harness = await IngestHarness.StartAsync(mailboxes: Mailbox("support").Replace("\"secret\"", "\"wrong\""));
        var options = harness.App.Options.Mailboxes.Single();
        using var stop = new CancellationTokenSource();
        var running = harness.App.Intake(options, "test-worker").RunAsync(stop.Token);
        MailboxCheckpoint? checkpoint = null;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (checkpoint?.LastError is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            checkpoint = await harness.App.Database.InReadAsync(tx => harness.App.MailboxState.GetCheckpointAsync(tx, "support", _folder));
        }
        stop.Cancel();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(checkpoint?.LastError, Does.StartWith("login failed"));
        Assert.That(checkpoint!.LastError, Does.Not.Contain("\n"), "one line");
    }

    [Test]
    public void ConfiguredFolderNamesFollowTheServersNamespace()
    {
        using var mailbox = TestMailbox.ConnectAsync("support", _profile).GetAwaiter().GetResult();
        var expected = _profile.Name == ImapProfile.HostedName ? "INBOX.Archive.2026" : "Archive/2026";
        Assert.That(ImapFolders.FullName(mailbox.Client, "Archive/2026"), Is.EqualTo(expected));
        Assert.That(ImapFolders.FullName(mailbox.Client, "inbox"), Is.EqualTo("INBOX"));
    }
}
