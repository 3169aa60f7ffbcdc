using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using TicketWorker.Intake;
using TicketWorker.Tests.Infrastructure;

namespace TicketWorker.Tests.Intake;

/// <summary>
/// The IMAP server stopped and started while the worker idles and while it fetches: intake resumes
/// by itself and nothing is lost or doubled. For the default profile that restarts the whole shared
/// stack (install/mailstack.sh down/up), so it runs alone (NUnit runs this assembly's tests one at a
/// time); the hosted profile restarts only its own Dovecot (hosted-down/hosted-up).
/// </summary>
[NonParallelizable]
[TestFixture(ImapProfile.DefaultName)]
[TestFixture(ImapProfile.HostedName)]
public class ServerRestartTests(string profileName)
{
    private readonly ImapProfile _profile = ImapProfile.Of(profileName);

    private string _folder = null!;
    private IngestHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _folder = "Restart-" + Guid.NewGuid().ToString("N")[..10];
        using (var mailbox = await TestMailbox.ConnectAsync("support", _profile))
            await mailbox.CreateFolderAsync(_folder);
        _h = await IngestHarness.StartAsync(mailboxes: IngestHarness.StackMailbox("support", _folder, extra: "\"FirstStart\": \"Import\",", port: _profile.Port));
    }

    [TearDown]
    public async Task TearDown()
    {
        _h.Dispose();
        Stack(_profile.RestartVerbs.Up);
        using var mailbox = await TestMailbox.ConnectAsync("support", _profile);
        await mailbox.DeleteFolderAsync(_folder);
    }

    private static void Stack(string verb) => MailStackControl.Run(verb);

    private void Restart()
    {
        Stack(_profile.RestartVerbs.Down);
        Stack(_profile.RestartVerbs.Up);
    }

    private async Task AppendAsync(int from, int count)
    {
        using var mailbox = await TestMailbox.ConnectAsync("support", _profile);
        await mailbox.AppendAsync(_folder, Enumerable.Range(from, count).Select(i => Mails.Customer($"c{i}@example.org", $"Restart {i}", $"restart-{i}@example.org")));
    }

    private async Task WaitForTicketsAsync(int count, CancellationToken cancellationToken)
    {
        while ((await _h.TicketsAsync()).Count < count) await Task.Delay(50, cancellationToken);
    }

    private MailboxIntake Intake() => _h.App.Intake(_h.App.Options.Mailboxes.Single(), "restart-test", i =>
    {
        i.InitialBackoff = TimeSpan.FromMilliseconds(200);
        i.MaxBackoff = TimeSpan.FromSeconds(2);
    });

    [Test]
    [CancelAfter(180_000)]
    public async Task IntakeResumesByItselfAfterTheServerRestartsDuringIdle(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = Intake().RunAsync(stop.Token);
        await AppendAsync(0, 1);
        await WaitForTicketsAsync(1, cancellationToken);

        Restart();
        await AppendAsync(1, 1);
        await WaitForTicketsAsync(2, cancellationToken);

        stop.Cancel();
        await running;
        Assert.That((await _h.InboundCountsAsync()).Values, Is.EqualTo(new[] { 1, 1 }));
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task IntakeResumesAfterTheServerRestartsDuringAFetchAndLosesNothing(CancellationToken cancellationToken)
    {
        const int count = 300;
        await AppendAsync(0, count);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = Intake().RunAsync(stop.Token);
        await WaitForTicketsAsync(20, cancellationToken);

        Restart();
        await WaitForTicketsAsync(count, cancellationToken);

        stop.Cancel();
        await running;
        var inbound = await _h.InboundCountsAsync();
        Assert.That(inbound, Has.Count.EqualTo(count));
        Assert.That(inbound.Values.All(n => n == 1), Is.True);
    }
}
