using System.Globalization;
using MimeKit;
using TicketWorker.Digest;

namespace TicketWorker.Tests.Fleet;

/// <summary>
/// The daily digest fires once a day on one worker of the Quartz cluster: when that worker dies while
/// the job runs (before its outbox rows commit), another worker must run it again, or the day's digest
/// is never sent. The job requests recovery; queueing is idempotent per day and recipient.
/// </summary>
[NonParallelizable]
public class DigestRecoveryTests
{
    [Test]
    [CancelAfter(300_000)]
    public async Task ADigestWhoseWorkerIsKilledWhileTheJobRunsIsSentOnceByAnotherWorker(CancellationToken cancellationToken)
    {
        var stack = FleetStack.Stack;
        foreach (var user in new[] { "support", "lead", "sales" }) await stack.EmptyInboxAsync(user, cancellationToken);
        await using var db = await FleetDatabase.CreateAsync(cancellationToken);
        var now = DateTimeOffset.UtcNow;
        var digestAt = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        while (digestAt < now.AddSeconds(40)) digestAt = digestAt.AddMinutes(1);
        var rules = $$"""
            agents:
              - email: lead@example.test
                name: Team Lead
            digest:
              to: [lead@example.test, sales@example.test]
              at: "{{digestAt.ToString("HH:mm", CultureInfo.InvariantCulture)}}"

            """;
        using var a = new FleetWorker("A", stack, db.ConnectionString, rules);
        using var b = new FleetWorker("B", stack, db.ConnectionString, rules);
        a.Start();
        TestContext.Progress.WriteLine($"digest due at {digestAt:HH:mm:ss}Z");

        // A alone runs the digest: kill it the moment Quartz records the job as executing there.
        const string executing = "SELECT COUNT(*) FROM qrtz_fired_triggers WHERE job_name = 'digest' AND state = 'EXECUTING'";
        const string queued = $"SELECT COUNT(*) FROM outbox WHERE kind = '{DigestSender.Kind}'";
        while (await db.TryScalarAsync(executing, cancellationToken) <= 0)
        {
            if (!a.IsRunning) Assert.Fail($"worker A exited with code {a.ExitCode}");
            await Task.Delay(2, cancellationToken);
        }
        a.Kill();
        var atKill = await db.ScalarAsync(queued, cancellationToken);
        TestContext.Progress.WriteLine($"A killed while the digest job ran, {DateTimeOffset.UtcNow - digestAt:mm\\:ss\\.f} after it fell due; digest rows then: {atKill}");
        if (atKill > 0) Assert.Inconclusive("the digest was queued before the kill landed; run again");

        b.Start();
        var until = DateTime.UtcNow.AddSeconds(120);
        while (await db.TryScalarAsync($"SELECT COUNT(*) FROM outbox WHERE kind = '{DigestSender.Kind}' AND status = 'sent'", cancellationToken) < 2 && DateTime.UtcNow < until)
        {
            if (!b.IsRunning) Assert.Fail($"worker B exited with code {b.ExitCode}");
            await Task.Delay(200, cancellationToken);
        }
        var rows = await db.RowsAsync($"SELECT recipients, message_id, status FROM outbox WHERE kind = '{DigestSender.Kind}' ORDER BY recipients", cancellationToken);
        Assert.That(rows.Select(r => (r[0], r[2])), Is.EqualTo(new[] { ("[\"lead@example.test\"]", "sent"), ("[\"sales@example.test\"]", "sent") }),
            "the other worker ran the killed worker's digest job again (Quartz recovery) and sent it");
        Assert.That(b.Terminate(TimeSpan.FromSeconds(30)), Is.True, "B stops on SIGTERM");

        foreach (var (user, row) in new[] { "lead", "sales" }.Zip(rows))
        {
            var id = row[1]!.Trim('<', '>');
            var inbox = await stack.InboxHeadersAsync(user, cancellationToken);
            for (var wait = 0; wait < 50 && !inbox.Any(h => h[HeaderId.MessageId]?.Trim().Trim('<', '>') == id); wait++)
            {
                await Task.Delay(200, cancellationToken);
                inbox = await stack.InboxHeadersAsync(user, cancellationToken);
            }
            Assert.That(inbox.Select(h => h[HeaderId.MessageId]?.Trim().Trim('<', '>')), Is.EqualTo(new[] { id }), $"{user}'s INBOX: the digest, once");
        }
    }
}
