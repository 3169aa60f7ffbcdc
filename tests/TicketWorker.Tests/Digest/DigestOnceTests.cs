using Microsoft.Extensions.Logging.Abstractions;
using TicketWorker.Digest;
using TicketWorker.Rules;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Digest;

/// <summary>A day's digest reaches each recipient once: job fired twice, two workers at once, the command after the job.</summary>
public class DigestOnceTests
{
    private static readonly string[] Recipients = ["lead@example.test", "agent1@example.test"];

    private static DigestJob Job(TestApp app) =>
        new(app.Get<DigestSender>(), app.Policy, app.Time, NullLogger<DigestJob>.Instance);

    private static Task<IReadOnlyList<OutboxItem>> DigestRowsAsync(TestApp app) =>
        app.Database.InReadAsync(async tx => (IReadOnlyList<OutboxItem>)(await app.Outbox.ListAsync(tx, null, 100)).Where(r => r.Kind == DigestSender.Kind).ToList());

    // The job ignores its Quartz context: what to send follows from rules.yaml and the clock alone.
    private static Task FireAsync(DigestJob job) => job.Execute(null!, CancellationToken.None).AsTask();

    [Test]
    public async Task TheJobQueuesYesterdayInTheBusinessTimeZoneForEveryRecipientOnceHoweverOftenItFires()
    {
        // 00:30 in Berlin on 03-11 is still 03-10 in UTC: yesterday is 03-10 by the business zone's calendar.
        await using var h = await DigestHarness.StartAsync(now: new DateTimeOffset(2026, 3, 10, 23, 30, 0, TimeSpan.Zero));

        await FireAsync(Job(h.App));
        h.Time.Advance(TimeSpan.FromHours(6));
        await FireAsync(Job(h.App));

        var rows = await DigestRowsAsync(h.App);
        Assert.That(rows.Select(r => r.IdempotencyKey).Order(), Is.EqualTo(new[] { "digest:2026-03-10:agent1@example.test", "digest:2026-03-10:lead@example.test" }));
    }

    [Test]
    public async Task TwoWorkersOnOnePostgresDatabaseQueueOneDigestPerRecipient()
    {
        await using var h = await DigestHarness.StartAsync(StorageProvider.Postgres);
        using var second = await TestApp.OpenAsync(h.ConfigPath, h.Time);

        var results = await Task.WhenAll(
            h.Sender.QueueAsync(new DateOnly(2026, 3, 10), Recipients),
            second.Get<DigestSender>().QueueAsync(new DateOnly(2026, 3, 10), Recipients));

        Assert.That(results.SelectMany(r => r).Count(r => r.Created), Is.EqualTo(2), "one of the two created each row");
        Assert.That(results[0].Select(r => r.Item.Id), Is.EqualTo(results[1].Select(r => r.Item.Id)), "both report the same rows");
        Assert.That(await DigestRowsAsync(h.App), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task WithoutADigestSectionTheJobQueuesNothing()
    {
        await using var h = await DigestHarness.StartAsync(rules: "agents:\n  - email: agent1@example.test\n");

        await FireAsync(Job(h.App));

        Assert.That(await DigestRowsAsync(h.App), Is.Empty);
    }

    [Test]
    public async Task WithoutAMailboxToSendFromTheSenderSaysSo()
    {
        await using var h = await DigestHarness.StartAsync(withMailbox: false);

        var e = Assert.ThrowsAsync<InvalidOperationException>(() => h.Sender.QueueAsync(new DateOnly(2026, 3, 10), Recipients));

        Assert.That(e!.Message, Is.EqualTo("no mailbox is configured to send the digest from (appsettings.json TicketWorker:Mailboxes)"));
        Assert.That(await DigestRowsAsync(h.App), Is.Empty);
    }

    [Test]
    public void YesterdayIsCountedInTheBusinessTimeZone()
    {
        var berlin = PolicyLoader.Parse(new StringReader("business_hours:\n  time_zone: Europe/Berlin\n  week: { mon: 09:00-17:00 }\n"), "rules.yaml");
        var at = new DateTimeOffset(2026, 3, 10, 23, 30, 0, TimeSpan.Zero);
        Assert.That((DigestJob.Yesterday(berlin, at), DigestJob.Yesterday(SupportPolicy.Empty, at)), Is.EqualTo((new DateOnly(2026, 3, 10), new DateOnly(2026, 3, 9))));
    }
}
