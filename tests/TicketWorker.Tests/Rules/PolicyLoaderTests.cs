using TicketWorker.Configuration;
using TicketWorker.Rules;

namespace TicketWorker.Tests.Rules;

public class PolicyLoaderTests
{
    private static SupportPolicy Parse(string yaml) => PolicyLoader.Parse(new StringReader(yaml), "rules.yaml");

    private static ConfigError SingleError(string yaml) =>
        Assert.Throws<ConfigException>(() => Parse(yaml))!.Errors.Single();

    [Test]
    public void TheShippedRulesListTheDemoAgents()
    {
        var policy = PolicyLoader.Load(System.IO.Path.Combine(RepoRoot.Path, "config", "rules.yaml"));
        Assert.That(policy.Agents.Select(a => a.Email), Is.SupersetOf(new[] { "agent1@example.test", "agent2@example.test" }));
        Assert.That(policy.FindAgent("AGENT1@example.test")?.Name, Is.EqualTo("Agent One"));
    }

    [Test]
    public void AnUnknownAgentKeyIsReportedWithAHint()
    {
        var e = SingleError("agents:\n  - email: a@example.test\n    nmae: A\n");
        Assert.That(e.ToString(), Is.EqualTo("rules.yaml:3:5: unknown agent key 'nmae' (did you mean 'name'?)"));
    }

    [Test]
    public void AnUnknownSectionIsReported() =>
        Assert.That(SingleError("agent:\n  - email: a@example.test\n").ToString(), Does.StartWith("rules.yaml:1:1: unknown section 'agent'"));

    [Test]
    public void ADuplicateKeyIsReportedAtItsPosition()
    {
        var e = SingleError("agents:\n  - email: a@example.test\n    email: b@example.test\n");
        Assert.That((e.Line, e.Column), Is.EqualTo((3, 5)));
    }

    [Test]
    public void AnAgentListedTwiceIsAnError() =>
        Assert.That(SingleError("agents:\n  - email: a@example.test\n  - email: A@example.test\n").Message, Does.Contain("listed twice"));

    [Test]
    public void ABadEmailIsAnError() =>
        Assert.That(SingleError("agents:\n  - email: not-an-address\n").ToString(), Is.EqualTo("rules.yaml:2:12: 'not-an-address' is not an email address"));

    [Test]
    public void BrokenYamlSyntaxHasAPosition()
    {
        var e = SingleError("agents:\n  - email: [a@example.test\n");
        Assert.That(e.Line, Is.GreaterThan(0));
    }

    [Test]
    public void AnEmptyFileIsAnEmptyPolicy() => Assert.That(Parse("").Agents, Is.Empty);
}
