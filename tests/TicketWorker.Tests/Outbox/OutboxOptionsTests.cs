using TicketWorker.Configuration;

namespace TicketWorker.Tests.Outbox;

public sealed class OutboxOptionsTests
{
    [Test]
    public void WithoutAnOutboxSectionTheDocumentedDefaultsApply()
    {
        using var dir = new TempDirectory();
        dir.Write("appsettings.json", """{ "TicketWorker": { "Database": { "Provider": "sqlite" } } }""");

        var outbox = AppSettingsLoader.Load(dir.Path).Options.Outbox;

        Assert.That(
            (outbox.PollInterval, outbox.BatchSize, outbox.MaxAttempts, outbox.InitialRetryDelay, outbox.MaxRetryDelay, outbox.ClaimDuration, outbox.SmtpTimeout),
            Is.EqualTo((TimeSpan.FromSeconds(1), 20, 10, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1))));
    }

    [Test]
    public void EveryInvalidOutboxSettingIsReportedWithItsKey()
    {
        using var dir = new TempDirectory();
        dir.Write("appsettings.json", """
            {
              "TicketWorker": {
                "Outbox": {
                  "PollInterval": "00:00:00", "BatchSize": 0, "MaxAttempts": 0,
                  "InitialRetryDelay": "00:10:00", "MaxRetryDelay": "00:01:00", "ClaimDuration": "00:00:05"
                }
              }
            }
            """);

        var e = Assert.Throws<ConfigException>(() => AppSettingsLoader.Load(dir.Path))!;

        var messages = e.Errors.Select(x => x.Message).ToList();
        Assert.That(messages, Has.Some.Contains("PollInterval"));
        Assert.That(messages, Has.Some.Contains("BatchSize"));
        Assert.That(messages, Has.Some.Contains("MaxAttempts"));
        Assert.That(messages, Has.Some.Contains("MaxRetryDelay"));
        Assert.That(messages, Has.Some.Contains("ClaimDuration"));
        Assert.That(messages, Has.Some.Contains("SmtpTimeout"), "the default SmtpTimeout is not shorter than a 5 s claim");
        Assert.That(e.Errors.Where(x => x.Message.Contains("BatchSize")).Single().Line, Is.EqualTo(4));
    }
}
