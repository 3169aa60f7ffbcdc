using Microsoft.Extensions.Logging.Abstractions;
using TicketWorker.Intake;
using TicketWorker.Mail.Imap;
using TicketWorker.Mail.Tests.Infrastructure;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Intake;

/// <summary>IMAP intake against the local Dovecot: each test works in its own folder of support@ and sales@.</summary>
public class MailboxIntakeTests
{
    private string _folder = null!;
    private IngestHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _folder = "Intake-" + Guid.NewGuid().ToString("N")[..10];
        await using var client = await ConnectAsync("support");
        await client.CreateFolderAsync(_folder);
        await using var sales = await ConnectAsync("sales");
        await sales.CreateFolderAsync(_folder);
        _h = await IngestHarness.StartAsync(mailboxes:
            IngestHarness.StackMailbox("support", _folder) + ",\n" + IngestHarness.StackMailbox("sales", _folder, user: "sales"));
    }

    [TearDown]
    public async Task TearDown()
    {
        _h.Dispose();
        foreach (var user in new[] { "support", "sales" })
        {
            await using var client = await ConnectAsync(user);
            await client.DeleteFolderAsync(_folder);
        }
    }

    private static async Task<ImapClient> ConnectAsync(string user)
    {
        var client = new ImapClient();
        await client.ConnectAsync(MailStack.Host, MailStack.ImapPort, ImapSecurity.StartTls, MailStack.TrustedTls);
        await client.LoginAsync(MailStack.Address(user), MailStack.Password);
        return client;
    }

    private async Task AppendAsync(string user, params string[] messages)
    {
        await using var client = await ConnectAsync(user);
        foreach (var m in messages) await client.AppendAsync(_folder, m.ReplaceLineEndings("\r\n"));
    }

    /// <summary>One catch-up pass of a mailbox, as the worker's loop does after every (re)connect.</summary>
    private async Task<int> CatchUpAsync(string mailbox = "support")
    {
        var options = _h.Runtime.Options.Mailboxes.Single(m => m.Name == mailbox);
        await using var client = await ServerConnections.OpenImapAsync(_h.Runtime.Settings, options, CancellationToken.None);
        var folder = await client.SelectAsync(options.Folder);
        return await new MailboxIntake(_h.Runtime, options, "test-worker", NullLogger.Instance).CatchUpAsync(client, folder, CancellationToken.None);
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
        Assert.That(await CatchUpAsync(), Is.EqualTo(0));
        await AppendAsync("support", Mails.Customer("ann@example.org", "Two", "r2@example.org"));
        Assert.That(await CatchUpAsync(), Is.EqualTo(1));
        Assert.That((await _h.TicketsAsync()).Count, Is.EqualTo(2));
    }

    [Test]
    public async Task MailAlreadyMarkedSeenByAnAgentIsStillTicketed()
    {
        await AppendAsync("support", Mails.Customer("ann@example.org", "Seen", "s1@example.org"));
        await using (var agent = await ConnectAsync("support"))
        {
            await agent.SelectAsync(_folder);
            await agent.StoreAsync(UidSet.All, StoreAction.Add, ["\\Seen"]);
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
        await using var client = await ConnectAsync("support");
        await client.SelectAsync(_folder);
        Assert.That(await client.SearchAsync(SearchQuery.Keyword("$Ticketed")), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ANewUidValidityRescansWithoutDuplicates()
    {
        await AppendAsync("support", Mails.Customer("ann@example.org", "Validity", "v1@example.org"));
        await CatchUpAsync();
        // The folder is rebuilt (as after a server migration): same mail, new UIDVALIDITY.
        await using (var client = await ConnectAsync("support"))
        {
            await client.DeleteFolderAsync(_folder);
            await client.CreateFolderAsync(_folder);
        }
        await AppendAsync("support",
            Mails.Customer("ann@example.org", "Validity", "v1@example.org"),
            Mails.Customer("carl@example.org", "New one", "v2@example.org"));
        await CatchUpAsync();
        var tickets = await _h.TicketsAsync();
        var inbound = await _h.InboundCountsAsync();
        Assert.That(tickets.Select(t => (t.Ticket.Subject, inbound[t.Ticket.Number])), Is.EquivalentTo(new[] { ("Validity", 1), ("New one", 1) }));
        var checkpoint = await _h.Runtime.Database.InReadAsync(tx => _h.Runtime.MailboxState.GetCheckpointAsync(tx, "support", _folder));
        Assert.That(checkpoint!.LastUid, Is.EqualTo(2));
    }

    [Test]
    public async Task MailPresentAtTheFirstStartIsMarkedAsHistory()
    {
        await AppendAsync("support", Mails.Customer("ann@example.org", "Old", "h1@example.org"));
        var options = _h.Runtime.Options.Mailboxes.Single(m => m.Name == "support");
        await using var client = await ServerConnections.OpenImapAsync(_h.Runtime.Settings, options, CancellationToken.None);
        var folder = await client.SelectAsync(options.Folder);
        var intake = new MailboxIntake(_h.Runtime, options, "test-worker", NullLogger.Instance);
        await intake.CatchUpAsync(client, folder, CancellationToken.None);
        await AppendAsync("support", Mails.Customer("ann@example.org", "New", "h2@example.org"));
        await client.NoopAsync();
        await intake.CatchUpAsync(client, client.SelectedFolder!, CancellationToken.None);
        var boundary = await _h.Runtime.Database.InReadAsync(tx => _h.Runtime.SettingsStore.GetAsync(tx, $"intake:support:{_folder}:history"));
        Assert.That(boundary, Is.EqualTo($"{folder.UidValidity}:2"));
    }

    [Test]
    public async Task IntakeRunsUntilStoppedAndPicksUpNewMailByIdle()
    {
        var options = _h.Runtime.Options.Mailboxes.Single(m => m.Name == "support");
        using var stop = new CancellationTokenSource();
        var intake = new MailboxIntake(_h.Runtime, options, "test-worker", Microsoft.Extensions.Logging.LoggerFactory.Create(b => Microsoft.Extensions.Logging.ConsoleLoggerExtensions.AddConsole(b)).CreateLogger("x"));
        var running = intake.RunAsync(stop.Token);
        await AppendAsync("support", Mails.Customer("ann@example.org", "Pushed", "p1@example.org"));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await _h.TicketsAsync()).Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        stop.Cancel();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That((await _h.TicketsAsync()).Single().Ticket.Subject, Is.EqualTo("Pushed"));
        var lease = await _h.Runtime.Database.InReadAsync(tx => _h.Runtime.MailboxState.GetLeaseAsync(tx, "support"));
        Assert.That(lease is null || lease.Value.Owner != "test-worker" || lease.Value.ExpiresAt <= _h.Time.GetUtcNow(), "the lease is released on stop");
    }

    [Test]
    public async Task AMailboxCanLogInWithAnOAuth2AccessTokenFile()
    {
        using var dir = new TempDirectory();
        var tokenFile = dir.Write("support.token", MailStack.CreateAccessToken("support") + "\n");
        // The password is wrong on purpose: only the token can log in.
        using var h = await IngestHarness.StartAsync(mailboxes: IngestHarness.StackMailbox("support", _folder).Replace("\"secret\"", "\"wrong\"").Replace("\"Password\":", $"\"AccessTokenFile\": \"{tokenFile}\", \"Password\":"));
        await AppendAsync("support", Mails.Customer("ann@example.org", "Token", "tok-1@example.org"));
        var options = h.Runtime.Options.Mailboxes.Single();
        await using var client = await ServerConnections.OpenImapAsync(h.Runtime.Settings, options, CancellationToken.None);
        var folder = await client.SelectAsync(options.Folder);
        Assert.That(await new MailboxIntake(h.Runtime, options, "test-worker", NullLogger.Instance).CatchUpAsync(client, folder, CancellationToken.None), Is.EqualTo(1));
    }

    [Test]
    public async Task AWrongPasswordIsReportedAsStatusNotAsACrash()
    {
        using var dir = new TempDirectory();
        var harness = await IngestHarness.StartAsync(mailboxes: IngestHarness.StackMailbox("support", _folder).Replace("\"secret\"", "\"wrong\""));
        using var _ = harness;
        var options = harness.Runtime.Options.Mailboxes.Single();
        using var stop = new CancellationTokenSource();
        var running = new MailboxIntake(harness.Runtime, options, "test-worker", NullLogger.Instance).RunAsync(stop.Token);
        MailboxCheckpoint? checkpoint = null;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (checkpoint?.LastError is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            checkpoint = await harness.Runtime.Database.InReadAsync(tx => harness.Runtime.MailboxState.GetCheckpointAsync(tx, "support", _folder));
        }
        stop.Cancel();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(checkpoint?.LastError, Does.StartWith("login failed"));
    }
}
