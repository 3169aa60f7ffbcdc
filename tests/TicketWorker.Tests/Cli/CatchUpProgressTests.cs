using TicketWorker.Intake;
using TicketWorker.Tests.Infrastructure;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Cli;

/// <summary>A catch-up on the real Dovecot reports its progress to whoever observes the intake (the terminal line of <c>run</c>): messages ticketed and committed, batch by batch.</summary>
public class CatchUpProgressTests
{
    private readonly ImapProfile _profile = ImapProfile.Of(ImapProfile.DefaultName);
    private string _folder = null!;
    private IngestHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _folder = "Progress-" + Guid.NewGuid().ToString("N")[..10];
        using var mailbox = await TestMailbox.ConnectAsync("support", _profile);
        await mailbox.CreateFolderAsync(_folder);
        _h = await IngestHarness.StartAsync(mailboxes: IngestHarness.StackMailbox("support", _folder, port: _profile.Port));
    }

    [TearDown]
    public async Task TearDown()
    {
        _h.Dispose();
        using var mailbox = await TestMailbox.ConnectAsync("support", _profile);
        await mailbox.DeleteFolderAsync(_folder);
    }

    [Test]
    public async Task ACatchUpIsReportedAgainstTheBacklogAsEachBatchIsCommitted()
    {
        using (var mailbox = await TestMailbox.ConnectAsync("support", _profile))
            await mailbox.AppendAsync(_folder, Enumerable.Range(1, 5).Select(i => Mails.Customer($"c{i}@example.org", $"Old mail {i}", $"p{i}-{_folder}@example.org")).ToArray());
        var options = _h.App.Options.Mailboxes.Single();
        var seen = new List<IntakeProgress>();

        using (IntakeProgress.Observe(new Collect(seen)))
        {
            using var client = await ServerConnections.OpenImapAsync(_h.App.Settings, options, CancellationToken.None);
            var intake = _h.App.Intake(options, "test-worker", i => i.BatchSize = 2);
            var folder = await intake.OpenFolderAsync(client, CancellationToken.None);
            Assert.That(await intake.CatchUpAsync(client, folder, CancellationToken.None), Is.EqualTo(5));
        }

        // Reported as each batch of 2 is committed (tickets written), not as messages are downloaded.
        Assert.That(seen.Select(p => (p.Mailbox, p.Done, p.Total)), Is.EqualTo(new[] { ("support", 2L, 5L), ("support", 4L, 5L), ("support", 5L, 5L) }));
    }

    private sealed class Collect(List<IntakeProgress> seen) : IProgress<IntakeProgress>
    {
        public void Report(IntakeProgress value)
        {
            lock (seen) seen.Add(value);
        }
    }
}
