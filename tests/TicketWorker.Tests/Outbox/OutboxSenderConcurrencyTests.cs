using TicketWorker.Outbox;
using TicketWorker.Storage;
using TicketWorker.Tests.Storage;

namespace TicketWorker.Tests.Outbox;

/// <summary>Several senders on one PostgreSQL database (install/postgres.sh).</summary>
[TestFixture]
public sealed class OutboxSenderConcurrencyTests
{
    [Test, CancelAfter(120_000)]
    public async Task TwoWorkersOnOnePostgresDatabaseNeverSendARowTwice()
    {
        await using var database = await StorageTestDatabase.CreateAsync(StorageProvider.Postgres);
        var time = new FakeTime();
        using var a = await OutboxHarness.StartAsync(outboxSettings: "\"BatchSize\": 3", postgres: database.ConnectionString, time: time);
        using var b = await OutboxHarness.StartAsync(outboxSettings: "\"BatchSize\": 3", postgres: database.ConnectionString, time: time);
        var queued = new List<OutboxItem>();
        for (var i = 0; i < 24; i++)
        {
            queued.Add((await a.EnqueueAsync($"customer{10 + (i % 4)}@example.test")).Item);
        }

        var results = await Task.WhenAll(DrainAsync(a.Sender("worker-a")), DrainAsync(b.Sender("worker-b")));

        Assert.That(results.Sum(r => r.Claimed), Is.EqualTo(24), "every row claimed exactly once");
        Assert.That(results.Sum(r => r.Sent), Is.EqualTo(24));
        var ms = results.SelectMany(r => r.CommitWindows).Select(w => w.TotalMilliseconds).Order().ToList();
        await TestContext.Out.WriteLineAsync(
            $"worker-a sent {results[0].Sent}, worker-b sent {results[1].Sent}; crash window on PostgreSQL ({ms.Count} sends): " +
            $"median {ms[ms.Count / 2]:0.00} ms, p95 {ms[(int)(ms.Count * 0.95)]:0.00} ms, max {ms[^1]:0.00} ms");
        var counts = await b.App.Database.InReadAsync(tx => b.App.Outbox.CountAsync(tx));
        Assert.That((counts.Sent, counts.Queued, counts.Sending, counts.Failed), Is.EqualTo((24, 0, 0, 0)));
        for (var user = 0; user < 4; user++)
        {
            var ids = queued.Where((_, i) => i % 4 == user).Select(r => r.MessageId).ToList();
            Assert.That(await OutboxMailStack.CopiesDeliveredAsync($"customer{10 + user}", ids), Is.All.EqualTo(1), $"customer{10 + user}");
        }
    }

    private static async Task<OutboxRunResult> DrainAsync(OutboxSender sender)
    {
        int claimed = 0, sent = 0;
        var windows = new List<TimeSpan>();
        while (true)
        {
            var round = await sender.RunOnceAsync();
            if (round.Claimed == 0)
            {
                return new OutboxRunResult(claimed, sent, 0, 0, windows);
            }

            claimed += round.Claimed;
            sent += round.Sent;
            windows.AddRange(round.CommitWindows);
        }
    }
}
