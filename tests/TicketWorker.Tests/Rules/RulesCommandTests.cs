using System.Text.Json;
using TicketWorker.Cli;
using TicketWorker.Tests.Infrastructure;

namespace TicketWorker.Tests.Rules;

public class RulesCommandTests
{
    private TempDirectory _dir = null!;
    private string Config => System.IO.Path.Combine(_dir.Path, "config");

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory();
        _dir.Write("config/appsettings.json", File.ReadAllText(System.IO.Path.Combine(RepoRoot.Path, "config", "appsettings.json")));
        _dir.Write("config/rules.yaml", File.ReadAllText(System.IO.Path.Combine(RepoRoot.Path, "config", "rules.yaml")));
        // The shipped config trusts the demo stack's certificate by a path relative to config/.
        _dir.Write("config/demo-mailstack-cert.pem", File.ReadAllText(System.IO.Path.Combine(RepoRoot.Path, "config", "demo-mailstack-cert.pem")));
        // The shipped TemplatesPath is ../templates next to config/, as in the repository.
        foreach (var file in Directory.EnumerateFiles(System.IO.Path.Combine(RepoRoot.Path, "templates"), "*", SearchOption.AllDirectories))
            _dir.Write(System.IO.Path.Combine("templates", System.IO.Path.GetRelativePath(System.IO.Path.Combine(RepoRoot.Path, "templates"), file)), File.ReadAllText(file));
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args) => await CliCommand.RunAsync(Config, args);

    [Test]
    public async Task RulesTestShowsWhichRulesMatchedAndTheResultAsJson()
    {
        var eml = _dir.Write("urgent.eml", "From: Ivan <ivan@vip.example>\r\nTo: support@example.test\r\nSubject: =?utf-8?B?0KHRgNC+0YfQvdC+OiDQv9GA0LjQvdGC0LXRgA==?=\r\nMessage-ID: <u1@example.ru>\r\n\r\nHelp\r\n");
        var (code, output, errors) = await RunAsync("rules", "test", eml, "--json");
        Assert.That(code, Is.EqualTo(0), errors);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.That(root.GetProperty("matches").EnumerateArray().Select(m => m.GetProperty("rule").GetString()),
            Is.EqualTo(new[] { "urgent keywords", "vip customers get the vip SLA", "everything else to support" }));
        Assert.That(root.GetProperty("matches")[0].GetProperty("reason").GetString(), Is.EqualTo("subject contains \"срочно\""));
        Assert.That((root.GetProperty("team").GetString(), root.GetProperty("priority").GetString(), root.GetProperty("sla").GetString()),
            Is.EqualTo(("support", "urgent", "vip")));
        Assert.That(root.GetProperty("tags").EnumerateArray().Select(t => t.GetString()), Is.EqualTo(new[] { "urgent", "vip" }));
    }

    [Test]
    public async Task RulesTestPrintsAReadableSummary()
    {
        var eml = _dir.Write("quote.eml", "From: bob@example.org\r\nTo: support@example.test\r\nSubject: Pricing for 20 seats\r\nMessage-ID: <q1@example.org>\r\n\r\nHi\r\n");
        var (code, output, _) = await RunAsync("rules", "test", eml);
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("rule \"sales enquiries\" matched: subject matches").And.Contain("team:     sales").And.Contain("least_open among"));
    }

    [Test]
    public async Task RulesTestOnAMissingFileIsAUserError() =>
        Assert.That((await RunAsync("rules", "test", System.IO.Path.Combine(_dir.Path, "nope.eml"))).Code, Is.EqualTo(CliApp.UserError));

    [Test]
    public async Task CheckPassesOnTheShippedConfiguration() =>
        Assert.That((await RunAsync("check")).Code, Is.EqualTo(0));

    [Test]
    public async Task CheckReportsEachBrokenRuleWithFileLineAndColumn()
    {
        File.Copy(System.IO.Path.Combine(TestContext.CurrentContext.TestDirectory, "Rules", "Fixtures", "broken-many.yaml"), System.IO.Path.Combine(Config, "rules.yaml"), overwrite: true);
        var (code, _, errors) = await RunAsync("check");
        var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(code, Is.EqualTo(CliApp.UserError));
        Assert.That(lines, Has.Length.EqualTo(7));
        Assert.That(lines[0], Does.Match(@"rules\.yaml:3:11: away must be true or false"));
        Assert.That(lines[^1], Does.Match(@"rules\.yaml:15:16: notify takes owner, lead, team, not 'boss'"));
    }
}
