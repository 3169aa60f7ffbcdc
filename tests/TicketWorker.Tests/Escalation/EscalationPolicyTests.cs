using TicketWorker.Configuration;
using TicketWorker.Rules;

namespace TicketWorker.Tests.Escalation;

/// <summary>The rules.yaml keys of the SLA and escalation parts: scan cron, tag, pause_pending.</summary>
public class EscalationPolicyTests
{
    private static SupportPolicy Parse(string yaml) => PolicyLoader.Parse(new StringReader(yaml), "rules.yaml");

    [Test]
    public void DefaultsAreAFiveMinuteScanAndAPausingClock()
    {
        var policy = Parse("escalation:\n  levels:\n    - after: 1h\n");
        Assert.That(policy.Escalation.Scan, Is.EqualTo("0 */5 * * * ?"));
        Assert.That(policy.Sla.PausePending, Is.True);
        Assert.That(policy.Escalation.Levels.Single().Tags, Is.Empty);
    }

    [Test]
    public void ScanTagAndPausePendingAreRead()
    {
        var policy = Parse("""
            sla:
              pause_pending: false
            escalation:
              scan: "0 0/10 * * * ?"
              levels:
                - after: 1h
                  tag: [late, escalated]
                - after: 2h
                  tag: later
            """);
        Assert.That(policy.Escalation.Scan, Is.EqualTo("0 0/10 * * * ?"));
        Assert.That(policy.Sla.PausePending, Is.False);
        Assert.That(policy.Escalation.Levels[0].Tags, Is.EqualTo(new[] { "late", "escalated" }));
        Assert.That(policy.Escalation.Levels[1].Tags, Is.EqualTo(new[] { "later" }));
    }

    [Test]
    public void ABrokenScanCronIsAnErrorAtItsPosition()
    {
        var error = Assert.Throws<ConfigException>(() => Parse("escalation:\n  scan: every five minutes\n"))!.Errors.Single();
        Assert.That(error.ToString(), Does.StartWith("rules.yaml:2:9: scan 'every five minutes' is not a Quartz cron expression"));
    }
}
