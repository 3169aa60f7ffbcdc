using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using TicketWorker.Intake;
using TicketWorker.Observability;
using TicketWorker.Storage;
using TicketWorker.Tests.Escalation;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Observability;

/// <summary>The <c>TicketWorker</c> meter moves when mail goes through the pipeline, and its gauges report the database.</summary>
[NonParallelizable] // the meter is process-wide: a parallel test's messages would be counted here too
public class MetricsTests
{
    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

    [Test]
    public async Task IngestCountsMessagesByActionTicketsAndQueuedAcknowledgements()
    {
        using var h = await IngestHarness.StartAsync();
        using var ingested = new MetricCollector<long>(TicketWorkerMetrics.MessagesIngested);
        using var created = new MetricCollector<long>(TicketWorkerMetrics.TicketsCreated);
        using var queued = new MetricCollector<long>(TicketWorkerMetrics.OutboxQueued);
        using var duration = new MetricCollector<double>(TicketWorkerMetrics.IngestDuration);
        var mail = Mails.Customer("ann@example.org", "Printer", "metrics-1@example.org");

        await h.IngestAsync(mail);
        await h.IngestAsync(mail);

        var actions = ingested.GetMeasurementSnapshot().Select(m => (string?)m.Tags["action"]).ToList();
        Assert.That(actions, Is.EqualTo(new[] { "created", "duplicate" }));
        Assert.That(ingested.GetMeasurementSnapshot().All(m => (string?)m.Tags["mailbox"] == "support"));
        Assert.That(created.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(1));
        Assert.That(queued.GetMeasurementSnapshot().Select(m => (string?)m.Tags["kind"]), Has.Member("ack"), "the acknowledgement was queued once");
        Assert.That(queued.GetMeasurementSnapshot().Count(m => (string?)m.Tags["kind"] == "ack"), Is.EqualTo(1), "the duplicate queues nothing");
        Assert.That(duration.GetMeasurementSnapshot(), Has.Count.EqualTo(2));
        Assert.That(duration.GetMeasurementSnapshot().All(m => m.Value >= 0));
    }

    [Test]
    public async Task AQuarantinedMessageIsCountedAndTheGaugesReportQuarantineOutboxAgeAndIntakeLag()
    {
        using var h = await IngestHarness.StartAsync();
        using var ingested = new MetricCollector<long>(TicketWorkerMetrics.MessagesIngested);
        using var quarantined = new MetricCollector<long>(TicketWorkerMetrics.Quarantined);
        using var duration = new MetricCollector<double>(TicketWorkerMetrics.IngestDuration);

        await h.IngestAsync(new byte[300_000]); // over MaxMessageSize 200000: quarantined with its bytes
        await h.IngestAsync(Mails.Customer("ann@example.org", "Printer", "metrics-2@example.org"));
        await h.App.Database.InTransactionAsync(async tx =>
        {
            await h.App.MailboxState.SetCheckpointAsync(tx, new MailboxCheckpoint { Mailbox = "support", Folder = "INBOX", LastPollAt = h.Time.GetUtcNow(), Connected = true });
            return 0;
        });
        h.Time.Advance(TimeSpan.FromMinutes(7));
        var snapshot = await h.App.Get<MetricsSampler>().RunOnceAsync();

        Assert.That(ingested.GetMeasurementSnapshot().Select(m => (string?)m.Tags["action"]), Is.EqualTo(new[] { "quarantined", "created" }));
        Assert.That(quarantined.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(1));
        Assert.That(duration.GetMeasurementSnapshot().Select(m => (string?)m.Tags["action"]), Is.EqualTo(new[] { "created" }), "no made-up duration for the quarantined one");
        Assert.That(snapshot.QuarantineOpen, Is.EqualTo(1));
        Assert.That(snapshot.OutboxQueued, Is.EqualTo(1), "the acknowledgement waits (nothing sends in this test)");
        Assert.That(snapshot.OutboxOldestAge, Is.EqualTo(TimeSpan.FromMinutes(7)));
        Assert.That(snapshot.IntakeLag, Is.EquivalentTo(new Dictionary<string, TimeSpan> { ["support"] = TimeSpan.FromMinutes(7) }),
            "sales never polled: no lag reported for it");

        using var size = new MetricCollector<long>(TicketWorkerMetrics.Meter, "ticketworker.quarantine.size");
        using var age = new MetricCollector<double>(TicketWorkerMetrics.Meter, "ticketworker.outbox.age");
        using var lag = new MetricCollector<double>(TicketWorkerMetrics.Meter, "ticketworker.intake.lag");
        size.RecordObservableInstruments();
        age.RecordObservableInstruments();
        lag.RecordObservableInstruments();
        Assert.That(size.LastMeasurement?.Value, Is.EqualTo(1));
        Assert.That(age.LastMeasurement?.Value, Is.EqualTo(420));
        Assert.That(lag.LastMeasurement?.Value, Is.EqualTo(420));
        Assert.That(lag.LastMeasurement?.Tags["mailbox"], Is.EqualTo("support"));
    }

    [Test, CancelAfter(60_000)]
    public async Task TheOutboxCountsMailSentByKindAndSmtpFailuresByReason()
    {
        using var sent = new MetricCollector<long>(TicketWorkerMetrics.OutboxSent);
        using var failures = new MetricCollector<long>(TicketWorkerMetrics.SmtpFailures);
        using (var up = await Outbox.OutboxHarness.StartAsync())
        {
            await up.EnqueueAsync("customer4@example.test");
            Assert.That((await up.Sender().RunOnceAsync()).Sent, Is.EqualTo(1));
        }
        using (var down = await Outbox.OutboxHarness.StartAsync(smtpPort: Outbox.OutboxMailStack.ClosedPort()))
        {
            await down.EnqueueAsync("customer4@example.test");
            Assert.That((await down.Sender().RunOnceAsync()).Rescheduled, Is.EqualTo(1));
        }

        Assert.That(sent.GetMeasurementSnapshot().Select(m => (m.Value, (string?)m.Tags["kind"])), Is.EqualTo(new[] { (1L, (string?)"ack") }));
        Assert.That(failures.GetMeasurementSnapshot().Select(m => (m.Value, (string?)m.Tags["reason"])), Is.EqualTo(new[] { (1L, (string?)"connection") }));
    }

    [Test]
    public async Task EachEscalationLevelIsCountedOnceAndOnlyWhenItsTransactionCommitted()
    {
        // SlaHarness: Monday 10:00 Berlin; level 1 at the first-response target (14:00), level 2 on
        // Wednesday 14:00, level 3 on Thursday 10:00.
        await using var h = await SlaHarness.StartAsync();
        using var fired = new MetricCollector<long>(TicketWorkerMetrics.EscalationsFired);
        var ticket = await h.NewTicketAsync("Printer broken");
        // A real failure inside the level's transaction, after the level row is written: the database
        // refuses the ticket's new escalation level, so the whole transaction rolls back.
        var database = Path.GetFullPath(Path.Combine(h.ConfigPath, "../data/tw.db"));
        await SqliteAsync(database, """
            CREATE TRIGGER refuse_escalation BEFORE UPDATE OF escalation_level ON tickets
            WHEN NEW.escalation_level > OLD.escalation_level BEGIN SELECT RAISE(ABORT, 'injected failure'); END
            """);

        h.SetBerlin(2026, 3, 2, 14);
        Assert.That(async () => await h.ScanAsync(), Throws.Exception);
        Assert.That(fired.GetMeasurementSnapshot(), Is.Empty, "a level whose transaction rolled back did not fire");

        await SqliteAsync(database, "DROP TRIGGER refuse_escalation");
        Assert.That((await h.ScanAsync()).Levels, Is.EqualTo(1));
        Assert.That((await h.ScanAsync()).Levels, Is.Zero);
        h.SetBerlin(2026, 3, 4, 14);
        await h.ScanAsync();
        h.SetBerlin(2026, 3, 5, 10);
        await h.ScanAsync();
        await h.ScanAsync();

        var measurements = fired.GetMeasurementSnapshot();
        Assert.That(measurements.Select(m => (m.Value, m.Tags["level"])), Is.EqualTo(new[] { (1L, (object?)1), (1L, 2), (1L, 3) }));
        Assert.That(measurements.EvaluateAsCounter(), Is.EqualTo(3));
        Assert.That((await h.TicketAsync(ticket.Number)).EscalationLevel, Is.EqualTo(3));
    }

    private static async Task SqliteAsync(string file, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
