using TicketWorker.Cli;
using TicketWorker.Digest;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Digest;

/// <summary><c>ticketworker digest</c> through the command line on the harness's config folder.</summary>
public class DigestCommandTests
{
    private DigestHarness _h = null!;

    [SetUp]
    public async Task SetUp() => _h = await DigestHarness.StartAsync();

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    private async Task<(int Code, string Output, string Errors)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var code = await CliApp.RunAsync(["digest", "--config", _h.ConfigPath, .. args], output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    [Test]
    public async Task ABadDateIsOneLineAndExitCodeOne()
    {
        var (code, output, errors) = await RunAsync("--date", "2026-13-01", "--to", "lead@example.test");

        Assert.That((code, output, errors), Is.EqualTo((1, "", "error: --date '2026-13-01' is not a date (write YYYY-MM-DD, e.g. 2026-12-01)" + Environment.NewLine)));
    }

    [Test]
    public async Task ADayThatHasNotComeIsRefused()
    {
        var (code, _, errors) = await RunAsync("--date", "2999-01-01");

        Assert.That(code, Is.EqualTo(1));
        Assert.That(errors, Does.StartWith("error: --date 2999-01-01 is in the future (today is ").And.EndWith(" in Europe/Berlin)" + Environment.NewLine));
    }

    [Test]
    public async Task AnAddressThatIsNoAddressIsRefused()
    {
        var (code, _, errors) = await RunAsync("--date", "2026-03-10", "--to", "not an address");

        Assert.That((code, errors), Is.EqualTo((1, "error: 'not an address' is not an email address the digest can be sent to" + Environment.NewLine)));
    }

    [Test]
    public async Task QueuesForTheGivenRecipientOnceAndSaysSoTheSecondTime()
    {
        var first = await RunAsync("--date", "2026-03-10", "--to", "customer2@example.test");
        var second = await RunAsync("--date", "2026-03-10", "--to", "customer2@example.test");

        var row = await _h.App.Database.InReadAsync(tx => _h.App.Outbox.FindByKeyAsync(tx, DigestSender.Key(new DateOnly(2026, 3, 10), "customer2@example.test")));
        Assert.That(row, Is.Not.Null);
        Assert.That(first, Is.EqualTo((0, $"digest of 2026-03-10 queued for customer2@example.test (outbox row {row!.Id}); the running worker sends it{Environment.NewLine}", "")));
        Assert.That(second, Is.EqualTo((0, $"digest of 2026-03-10 for customer2@example.test was already queued (outbox row {row.Id}, queued); nothing new queued{Environment.NewLine}", "")));
    }

    [Test]
    public async Task WithoutToTheRecipientsOfRulesYamlGetIt()
    {
        var (code, output, _) = await RunAsync("--date", "2026-03-09");

        Assert.That(code, Is.Zero);
        Assert.That(output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(" (")[0]),
            Is.EqualTo(new[] { "digest of 2026-03-09 queued for lead@example.test", "digest of 2026-03-09 queued for agent1@example.test" }));
    }

    [Test]
    public async Task WithoutToAndWithoutADigestSectionThereIsNoRecipient()
    {
        await File.WriteAllTextAsync(Path.Combine(_h.ConfigPath, "rules.yaml"), "agents:\n  - email: agent1@example.test\n");

        var (code, _, errors) = await RunAsync("--date", "2026-03-09");

        Assert.That((code, errors), Is.EqualTo((1, "error: no recipient: give --to ADDR or set digest: { to: [...] } in rules.yaml" + Environment.NewLine)));
    }

    [Test]
    public async Task HelpSaysTheRunningWorkerSendsIt()
    {
        var output = new StringWriter();
        await CliApp.RunAsync(["digest", "--help"], output, new StringWriter());

        Assert.That(output.ToString(), Does.Contain("the outbox of the running worker (ticketworker run) sends it"));
    }
}
