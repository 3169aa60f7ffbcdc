using Quartz;
using TicketWorker.Configuration;
using TicketWorker.Digest;
using TicketWorker.Rules;

namespace TicketWorker.Tests.Digest;

/// <summary>rules.yaml <c>digest.at: "HH:mm"</c>: the digest's time of day to the minute, instead of <c>hour:</c>.</summary>
public class DigestAtTests
{
    private static SupportPolicy Parse(string yaml) => PolicyLoader.Parse(new StringReader(yaml), "rules.yaml");

    private static IReadOnlyList<string> Errors(string yaml) =>
        Assert.Throws<ConfigException>(() => Parse(yaml))!.Errors.Select(e => e.ToString()).ToList();

    [Test]
    public void AtGivesTheMinuteAndTheCronFiresThenInTheBusinessTimeZone()
    {
        var policy = Parse("business_hours:\n  time_zone: Europe/Berlin\n  week: { mon: 09:00-17:00 }\ndigest: { to: [admin@example.test], at: \"06:45\" }\n");
        Assert.That((policy.Digest!.At, policy.Digest.Hour), Is.EqualTo(((TimeOnly?)new TimeOnly(6, 45), 6)));
        var cron = new CronExpression(DigestSchedule.Cron(policy)!, DigestSchedule.TimeZone(policy));

        // 06:45 in Berlin is 05:45Z in winter.
        Assert.That(cron.GetNextValidTimeAfter(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero)), Is.EqualTo(new DateTimeOffset(2026, 12, 3, 5, 45, 0, TimeSpan.Zero)));
    }

    [Test]
    public void UnquotedAtIsReadToo()
    {
        var policy = Parse("digest:\n  to: admin@example.test\n  at: 23:59\n");
        Assert.That(DigestSchedule.Cron(policy), Is.EqualTo("0 59 23 * * ?"));
    }

    [Test]
    public void WithoutAtTheDigestStillGoesOutOnTheHour() =>
        Assert.That(DigestSchedule.Cron(Parse("digest: { to: [admin@example.test], hour: 6 }\n")), Is.EqualTo("0 0 6 * * ?"));

    [Test]
    public void ABadTimeAndBothHourAndAtAreErrorsWithTheirPositions()
    {
        Assert.That(Errors("digest:\n  to: admin@example.test\n  at: \"7:30\"\n"), Is.EqualTo(new[]
        {
            "rules.yaml:3:7: digest at must be a time of day written HH:mm (e.g. \"07:30\"), not '7:30'",
        }));
        Assert.That(Errors("digest:\n  to: admin@example.test\n  at: \"24:00\"\n"), Has.Count.EqualTo(1));
        Assert.That(Errors("digest:\n  to: admin@example.test\n  at: \"07:30:15\"\n"), Has.Count.EqualTo(1));
        Assert.That(Errors("digest:\n  to: admin@example.test\n  hour: 7\n  at: \"07:30\"\n"), Is.EqualTo(new[]
        {
            "rules.yaml:4:7: digest: give either hour: or at:, not both",
        }));
    }
}
