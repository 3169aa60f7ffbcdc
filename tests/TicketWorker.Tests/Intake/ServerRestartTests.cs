using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using TicketWorker.Intake;
using TicketWorker.Mail.Imap;
using TicketWorker.Mail.Tests.Infrastructure;

namespace TicketWorker.Tests.Intake;

/// <summary>
/// The real mail stack stopped and started (install/mailstack.sh down/up) while the worker idles and
/// while it fetches: intake resumes by itself and nothing is lost or doubled. It restarts the shared
/// stack, so it runs alone (NUnit runs this assembly's tests one at a time).
/// </summary>
[NonParallelizable]
public class ServerRestartTests
{
    private string _folder = null!;
    private IngestHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _folder = "Restart-" + Guid.NewGuid().ToString("N")[..10];
        await using var client = await ConnectAsync();
        await client.CreateFolderAsync(_folder);
        _h = await IngestHarness.StartAsync(mailboxes: IngestHarness.StackMailbox("support", _folder, extra: "\"FirstStart\": \"Import\","));
    }

    [TearDown]
    public async Task TearDown()
    {
        _h.Dispose();
        Stack("up");
        await using var client = await ConnectAsync();
        await client.DeleteFolderAsync(_folder);
    }

    private static async Task<ImapClient> ConnectAsync()
    {
        var client = new ImapClient();
        await client.ConnectAsync(MailStack.Host, MailStack.ImapPort, ImapSecurity.StartTls, MailStack.TrustedTls);
        await client.LoginAsync(MailStack.Address("support"), MailStack.Password);
        return client;
    }

    private static void Stack(string verb)
    {
        var info = new ProcessStartInfo(Path.Combine(RepoRoot.Path, "install", "mailstack.sh"), verb)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        using var p = Process.Start(info)!;
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        Assert.That(p.WaitForExit(120_000), Is.True, $"mailstack.sh {verb} did not finish");
        Assert.That(p.ExitCode, Is.Zero, $"mailstack.sh {verb}: {output.Result}{error.Result}");
    }

    private async Task AppendAsync(int from, int count)
    {
        await using var client = await ConnectAsync();
        await client.SelectAsync(_folder);
        for (var i = from; i < from + count; i++)
            await client.AppendAsync(_folder, Mails.Customer($"c{i}@example.org", $"Restart {i}", $"restart-{i}@example.org").ReplaceLineEndings("\r\n"));
    }

    private async Task WaitForTicketsAsync(int count, CancellationToken cancellationToken)
    {
        while ((await _h.TicketsAsync()).Count < count) await Task.Delay(50, cancellationToken);
    }

    private MailboxIntake Intake() => new(_h.Runtime, _h.Runtime.Options.Mailboxes.Single(), "restart-test", NullLogger.Instance)
    {
        InitialBackoff = TimeSpan.FromMilliseconds(200),
        MaxBackoff = TimeSpan.FromSeconds(2),
    };

    [Test]
    [CancelAfter(180_000)]
    public async Task IntakeResumesByItselfAfterTheServerRestartsDuringIdle(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = Intake().RunAsync(stop.Token);
        await AppendAsync(0, 1);
        await WaitForTicketsAsync(1, cancellationToken);

        Stack("down");
        Stack("up");
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

        Stack("down");
        Stack("up");
        await WaitForTicketsAsync(count, cancellationToken);

        stop.Cancel();
        await running;
        var inbound = await _h.InboundCountsAsync();
        Assert.That(inbound, Has.Count.EqualTo(count));
        Assert.That(inbound.Values.All(n => n == 1), Is.True);
    }
}
