using TicketWorker.Cli;
using TicketWorker.Storage;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Cli;

/// <summary>
/// <c>ticketworker health</c>: the decisions through <see cref="HealthReader"/> on the test clock
/// (mailboxes support and sales, poll interval one minute), the exit code and options through the CLI.
/// </summary>
public class HealthCommandTests
{
    private IngestHarness _h = null!;

    [SetUp]
    public async Task SetUp() => _h = await IngestHarness.StartAsync();

    [TearDown]
    public void TearDown() => _h.Dispose();

    private DateTimeOffset Now => _h.Time.GetUtcNow();

    private HealthReader Reader() => new(_h.App.Database, _h.App.MailboxState, _h.App.Outbox, _h.App.Quarantine, _h.App.Options, _h.App.Time);

    private Task<IReadOnlyList<string>> ProblemsAsync(HealthThresholds? thresholds = null) =>
        Reader().ReadAsync(thresholds ?? HealthThresholds.Default, CancellationToken.None);

    private Task PolledAsync(string mailbox, TimeSpan ago, string? error = null) => _h.App.Database.InTransactionAsync(async tx =>
    {
        await _h.App.MailboxState.SetCheckpointAsync(tx, new MailboxCheckpoint
        {
            Mailbox = mailbox, Folder = "INBOX", UidValidity = 1, LastUid = 5, LastPollAt = Now - ago, Connected = error is null, LastError = error,
        });
        return 0;
    });

    private Task BothPolledAsync() => Task.WhenAll(PolledAsync("support", TimeSpan.FromSeconds(30)), PolledAsync("sales", TimeSpan.FromSeconds(50)));

    private Task<OutboxEnqueueResult> QueueAsync(string key, DateTimeOffset createdAt, DateTimeOffset due) => _h.App.Database.InTransactionAsync(tx =>
        _h.App.Outbox.EnqueueAsync(tx, new OutboxItem
        {
            IdempotencyKey = key, Kind = "ack", Mailbox = "support", EnvelopeFrom = "support@example.test", Recipients = ["customer1@example.test"],
            MessageId = key + "@example.test", Raw = "Subject: x\r\n\r\nx\r\n"u8.ToArray(), CreatedAt = createdAt, NextAttemptAt = due,
        }));

    private Task QuarantineAsync(int count, DateTimeOffset at) => _h.App.Database.InTransactionAsync(async tx =>
    {
        for (var i = 0; i < count; i++)
            await _h.App.Quarantine.AddAsync(tx, new QuarantineItem { RawReference = $"file:sha256:{Guid.NewGuid():N}", RawSize = 10, Reason = "unreadable", Mailbox = "support", Uid = i + 1, CreatedAt = at });
        return 0;
    });

    [Test]
    public async Task MailboxesPolledWithinTheirIntervalsAndAnIdleOutboxAreHealthy()
    {
        await BothPolledAsync();
        await QueueAsync("health-fresh", Now - TimeSpan.FromMinutes(2), Now - TimeSpan.FromMinutes(2));

        Assert.That(await ProblemsAsync(), Is.Empty);
    }

    [Test]
    public async Task MailboxNeverPolledAndMailboxPolledLongAgoAreEachReportedWithTheLastError()
    {
        await PolledAsync("support", TimeSpan.FromMinutes(4), error: "connection refused");

        var problems = await ProblemsAsync();

        Assert.That(problems, Has.Count.EqualTo(2), string.Join("\n", problems));
        Assert.That(problems[0], Does.StartWith("mailbox support (INBOX): last successful poll 4m00s ago").And.Contain("(limit 3m00s); last error: connection refused"));
        Assert.That(problems[1], Does.StartWith("mailbox sales (INBOX): never polled successfully"));
    }

    [Test]
    public async Task PollFactorWidensTheWindowOfAMailbox()
    {
        await PolledAsync("support", TimeSpan.FromMinutes(4));
        await PolledAsync("sales", TimeSpan.FromMinutes(1));

        Assert.That(await ProblemsAsync(HealthThresholds.Default with { PollFactor = 5 }), Is.Empty);
    }

    [Test]
    public async Task OutboxMessageDueLongerThanTheLimitIsReportedButOneScheduledLaterIsNot()
    {
        await BothPolledAsync();
        var stuck = await QueueAsync("health-stuck", Now - TimeSpan.FromMinutes(40), Now - TimeSpan.FromMinutes(20));
        // A delayed acknowledgement queued long ago but due only in the future is not late.
        await QueueAsync("health-later", Now - TimeSpan.FromHours(2), Now + TimeSpan.FromMinutes(5));

        var problems = await ProblemsAsync();

        Assert.That(problems, Is.EqualTo(new[] { $"outbox: message {stuck.Item.Id} (ack) waiting 20m00s to be sent (limit 15m00s, 0 attempt(s))" }));
        Assert.That(await ProblemsAsync(HealthThresholds.Default with { OutboxAge = TimeSpan.FromMinutes(30) }), Is.Empty);
    }

    [Test]
    public async Task QuarantineGrowthAboveTheLimitWithinTheLastHourIsReported()
    {
        await BothPolledAsync();
        await QuarantineAsync(6, Now - TimeSpan.FromMinutes(10));
        await QuarantineAsync(3, Now - TimeSpan.FromHours(2));

        var problems = await ProblemsAsync();

        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.StartWith("quarantine: 6 message(s) quarantined in the last hour (limit 5)"));
        Assert.That(await ProblemsAsync(HealthThresholds.Default with { QuarantinePerHour = 6 }), Is.Empty);
    }

    [Test]
    public async Task CommandExitsOneWithOneLinePerProblemAndZeroWithOkWhenHealthy()
    {
        var config = Path.Combine(Path.GetDirectoryName(_h.DataPath)!, "config");
        var output = new StringWriter();
        var errors = new StringWriter();

        var code = await CliApp.RunAsync(["health", "--config", config, "--outbox-age", "00:30:00"], output, errors);

        Assert.That(code, Is.EqualTo(CliApp.UserError), errors.ToString());
        Assert.That(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(2));
        Assert.That(output.ToString(), Does.Contain("mailbox support (INBOX): never polled successfully"));

        // The command runs on the real clock.
        _h.Time.Set(DateTimeOffset.UtcNow);
        await BothPolledAsync();
        output = new StringWriter();
        code = await CliApp.RunAsync(["health", "--config", config], output, errors);

        Assert.That(code, Is.EqualTo(CliApp.Ok), output + errors.ToString());
        Assert.That(output.ToString().Trim(), Is.EqualTo("ok"));
    }
    [Test]
    public async Task JsonOutputCarriesTheSameVerdictAndProblemsForMonitoringTools()
    {
        var config = Path.Combine(Path.GetDirectoryName(_h.DataPath)!, "config");
        var output = new StringWriter();
        var errors = new StringWriter();

        var code = await CliApp.RunAsync(["health", "--config", config, "--json"], output, errors);

        Assert.That(code, Is.EqualTo(CliApp.UserError), errors.ToString());
        using var document = System.Text.Json.JsonDocument.Parse(output.ToString());
        Assert.That(document.RootElement.GetProperty("healthy").GetBoolean(), Is.False);
        var problems = document.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.That(problems, Has.Count.EqualTo(2));
        Assert.That(problems[0], Does.StartWith("mailbox support (INBOX): never polled successfully"));

        _h.Time.Set(DateTimeOffset.UtcNow);
        await BothPolledAsync();
        output = new StringWriter();
        code = await CliApp.RunAsync(["health", "--config", config, "--json"], output, errors);

        Assert.That(code, Is.EqualTo(CliApp.Ok), output + errors.ToString());
        Assert.That(output.ToString().Trim(), Is.EqualTo("""{"healthy":true,"problems":[]}"""));
    }

    [Test]
    public async Task UnmigratedDatabaseIsAProblemLineNotAnInternalError()
    {
        using var temp = new TempDirectory();
        var settings = File.ReadAllText(Path.Combine(Path.GetDirectoryName(_h.DataPath)!, "config", "appsettings.json"));
        temp.Write("config/appsettings.json", settings);
        temp.Write("config/rules.yaml", "agents:\n  - email: agent1@example.test\n    name: Agent One\n");
        var output = new StringWriter();
        var errors = new StringWriter();

        var code = await CliApp.RunAsync(["health", "--config", Path.Combine(temp.Path, "config")], output, errors);

        Assert.That(code, Is.EqualTo(CliApp.UserError), errors.ToString());
        Assert.That(output.ToString(), Does.StartWith("database: "));
    }
}
