using System.Text.Json;
using TicketWorker.Cli;
using TicketWorker.Storage;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Cli;

/// <summary><c>status</c>: what <see cref="StatusReader"/> reads from a real database, the table and the documented JSON field names.</summary>
public class StatusCommandTests
{
    private IngestHarness _h = null!;

    [SetUp]
    public async Task SetUp() => _h = await IngestHarness.StartAsync();

    [TearDown]
    public void TearDown() => _h.Dispose();

    private DateTimeOffset Now => _h.Time.GetUtcNow();

    private Task<StatusCommand.WorkerStatus> ReadAsync() =>
        new StatusReader(_h.App.Database, _h.App.MailboxState, _h.App.Outbox, _h.App.Quarantine, _h.App.Tickets, _h.App.Options, new SqlTicketStore(_h.App.Database), _h.App.Time).ReadAsync(CancellationToken.None);

    private async Task ArrangeBusyWorkerAsync()
    {
        await _h.IngestAsync("From: Ann <customer1@example.test>\nTo: support@example.test\nSubject: Printer broken\nMessage-ID: <s1@example.test>\n\nHelp\n");
        await _h.IngestAsync("From: Bob <customer2@example.test>\nTo: support@example.test\nSubject: Invoice\nMessage-ID: <s2@example.test>\n\nWrong\n");
        await _h.CloseAsync(2);
        await _h.App.Database.InTransactionAsync(async tx =>
        {
            await _h.App.MailboxState.SetCheckpointAsync(tx, new MailboxCheckpoint
            {
                Mailbox = "support", Folder = "INBOX", UidValidity = 7, LastUid = 1234, LastPollAt = Now - TimeSpan.FromSeconds(42), Connected = true, Backlog = 3766,
            });
            await _h.App.MailboxState.SetCheckpointAsync(tx, new MailboxCheckpoint
            {
                Mailbox = "sales", Folder = "INBOX", UidValidity = 7, LastUid = 0, Connected = false, LastError = "connection refused",
            });
            await _h.App.MailboxState.TryAcquireLeaseAsync(tx, "support", "host-a:4711", Now, Now + TimeSpan.FromSeconds(90));
            return 0;
        });
    }

    [Test]
    public async Task StatusReadsMailboxesLeasesOutboxQuarantineAndTicketsByStatus()
    {
        await ArrangeBusyWorkerAsync();

        var status = await ReadAsync();

        var support = status.Mailboxes.Single(m => m.Name == "support");
        Assert.That((support.Connected, support.Backlog, support.LastUid, support.LeaseOwner), Is.EqualTo((true, 3766L, 1234L, "host-a:4711")));
        Assert.That(support.LeaseExpiresAt, Is.EqualTo(Now + TimeSpan.FromSeconds(90)));
        var sales = status.Mailboxes.Single(m => m.Name == "sales");
        Assert.That((sales.Connected, sales.LeaseOwner, sales.LastError), Is.EqualTo((false, (string?)null, "connection refused")));
        // Two acknowledgements queued, none sent (no SMTP in this test); the first is the oldest.
        Assert.That(status.Outbox.Queued, Is.EqualTo(2));
        Assert.That(status.Outbox.OldestQueuedKind, Is.EqualTo("ack"));
        Assert.That(status.Outbox.OldestQueuedAt, Is.EqualTo(Now));
        Assert.That(status.Tickets, Is.EqualTo(new StatusCommand.TicketCounts(1, 0, 1)));
        Assert.That(status.OpenTickets, Is.EqualTo(1));
    }

    [Test]
    public async Task ALeaseThatRanOutIsShownAsFree()
    {
        await ArrangeBusyWorkerAsync();
        _h.Time.Advance(TimeSpan.FromMinutes(2));

        var status = await ReadAsync();

        Assert.That(status.Mailboxes.Single(m => m.Name == "support").LeaseOwner, Is.Null);
    }

    [Test]
    public async Task TheTableHasAColumnPerMailboxFieldAndOneLineEachForOutboxQuarantineAndTickets()
    {
        await ArrangeBusyWorkerAsync();
        var output = new StringWriter();

        await StatusCommand.WriteTextAsync(output, await ReadAsync());

        var lines = output.ToString().ReplaceLineEndings("\n").Split('\n');
        Assert.That(lines[1], Does.Match(@"^  NAME\s+ADDRESS\s+FOLDER\s+STATE\s+LAST POLL\s+BACKLOG\s+LAST UID\s+LEASE$"));
        Assert.That(lines[2], Does.Match(@"^  support\s+support@example\.test\s+INBOX\s+connected\s+2026-03-02 08:59:18 UTC \(42s ago\)\s+3,766\s+1234\s+host-a:4711 until 2026-03-02 09:01:30 UTC$"));
        Assert.That(lines[3], Does.Match(@"^  sales\s+sales@example\.test\s+INBOX\s+not connected\s+never\s+-\s+0\s+free$"));
        // The columns line up: every row has LAST POLL at the header's offset.
        Assert.That(lines[2].IndexOf("2026-03-02", StringComparison.Ordinal), Is.EqualTo(lines[1].IndexOf("LAST POLL", StringComparison.Ordinal)));
        Assert.That(output.ToString(), Does.Contain("  sales: last error: connection refused")
            .And.Contain("Outbox      2 queued, 0 sending, 0 sent, 0 failed; oldest queued: #1 (ack) since 2026-03-02 09:00:00 UTC, 0s")
            .And.Contain("Quarantine  0 message(s)")
            .And.Contain("Tickets     1 open, 0 pending, 1 closed"));
    }

    [Test]
    public async Task JsonCarriesTheDocumentedFieldNames()
    {
        await ArrangeBusyWorkerAsync();

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(await ReadAsync(), CliJson.Indented));

        var root = json.RootElement;
        Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "mailboxes", "outbox", "quarantined", "openTickets", "generatedAt", "tickets", "sla" }));
        Assert.That(root.GetProperty("mailboxes")[0].EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[]
        {
            "name", "address", "folder", "connected", "lastPoll", "lastUid", "uidValidity", "backlog", "lastError", "leaseOwner", "leaseExpiresAt",
        }));
        Assert.That(root.GetProperty("outbox").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[]
        {
            "queued", "sending", "sent", "failed", "oldestQueuedId", "oldestQueuedKind", "oldestQueuedAt", "oldestQueuedError",
        }));
        Assert.That(root.GetProperty("tickets").GetProperty("closed").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task StatusThroughTheCommandLineOnAFreshDatabasePrintsTheTable()
    {
        var output = new StringWriter();
        var errors = new StringWriter();

        var code = await CliApp.RunAsync(["status", "--config", _h.App.Folder.Directory], output, errors);

        Assert.That(code, Is.EqualTo(CliApp.Ok), errors.ToString());
        Assert.That(output.ToString(), Does.StartWith("Mailboxes").And.Contain("Tickets     0 open, 0 pending, 0 closed"));
    }
}
