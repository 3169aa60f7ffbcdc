using Quartz;
using TicketWorker.Configuration;
using TicketWorker.Digest;
using TicketWorker.Rules;

namespace TicketWorker.Tests.Digest;

/// <summary>rules.yaml <c>digest:</c> and the schedule read from it.</summary>
public class DigestSettingsTests
{
    private static SupportPolicy Parse(string yaml) => PolicyLoader.Parse(new StringReader(yaml), "rules.yaml");

    private static IReadOnlyList<string> Errors(string yaml) =>
        Assert.Throws<ConfigException>(() => Parse(yaml))!.Errors.Select(e => e.ToString()).ToList();

    [Test]
    public void NoSectionMeansNoDigestAndNoSchedule()
    {
        var policy = Parse("agents:\n  - email: a@example.test\n");
        Assert.That((policy.Digest, DigestSchedule.Cron(policy)), Is.EqualTo(((DigestSettings?)null, (string?)null)));
    }

    [Test]
    public void RecipientsAndHourAreRead()
    {
        var digest = Parse("digest: { to: [admin@example.test, boss@example.test], hour: 6 }\n").Digest!;
        Assert.That((digest.To, digest.Hour), Is.EqualTo((new[] { "admin@example.test", "boss@example.test" }, 6)));
    }

    [Test]
    public void OneRecipientMayBeWrittenWithoutAListAndTheHourDefaultsToSeven()
    {
        var digest = Parse("digest:\n  to: admin@example.test\n").Digest!;
        Assert.That((digest.To, digest.Hour), Is.EqualTo((new[] { "admin@example.test" }, 7)));
    }

    [Test]
    public void MistakesAreReportedWithTheirPositions() =>
        Assert.That(Errors("digest:\n  to: [admin@example.test, nobody, Admin@example.test]\n  hour: 24\n  hours: 3\n"), Is.EqualTo(new[]
        {
            "rules.yaml:2:28: 'nobody' is not an email address",
            "rules.yaml:2:36: digest to: 'Admin@example.test' is listed twice",
            "rules.yaml:3:9: digest hour must be a whole number from 0 to 23, not '24'",
            "rules.yaml:4:3: unknown digest key 'hours' (did you mean 'hour'?)",
        }));

    [Test]
    public void ASectionWithoutRecipientsIsAnError()
    {
        Assert.That(Errors("digest:\n  hour: 7\n"), Is.EqualTo(new[] { "rules.yaml:2:3: digest needs to: (the admins' addresses, e.g. to: [admin@example.test])" }));
        Assert.That(Errors("digest: { to: [] }\n"), Is.EqualTo(new[] { "rules.yaml:1:15: digest to: needs at least one address" }));
    }

    [Test]
    public void TheCronFiresAtTheHourInTheBusinessTimeZone()
    {
        var policy = Parse("business_hours:\n  time_zone: Europe/Berlin\n  week: { mon: 09:00-17:00 }\ndigest: { to: [admin@example.test], hour: 7 }\n");
        var cron = new CronExpression(DigestSchedule.Cron(policy)!, DigestSchedule.TimeZone(policy));

        // 07:00 in Berlin is 06:00Z in winter and 05:00Z in summer (after 2026-03-29).
        Assert.That(cron.GetNextValidTimeAfter(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero)), Is.EqualTo(new DateTimeOffset(2026, 3, 11, 6, 0, 0, TimeSpan.Zero)));
        Assert.That(cron.GetNextValidTimeAfter(new DateTimeOffset(2026, 3, 30, 12, 0, 0, TimeSpan.Zero)), Is.EqualTo(new DateTimeOffset(2026, 3, 31, 5, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public void WithoutBusinessHoursTheDigestRunsOnUtc() =>
        Assert.That(DigestSchedule.TimeZone(Parse("digest: { to: [admin@example.test] }\n")), Is.EqualTo(TimeZoneInfo.Utc));
}
