using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TicketWorker.Observability;

/// <summary>
/// The worker's metrics: one <see cref="Meter"/> named <c>TicketWorker</c>
/// (<c>dotnet-counters monitor -n ticketworker --counters TicketWorker</c>; exported over OTLP when
/// <c>Telemetry:OtlpEndpoint</c> is set). Static so that a call site is one line
/// (<c>TicketWorkerMetrics.Ingested(action, mailbox, ms)</c>) without a new constructor parameter;
/// the gauges read the last <see cref="MetricsSampler"/> snapshot.
/// </summary>
public static class TicketWorkerMetrics
{
    public const string MeterName = "TicketWorker";

    public static Meter Meter { get; } = new(MeterName, typeof(TicketWorkerMetrics).Assembly.GetName().Version?.ToString());

    /// <summary>Messages through the pipeline, tagged <c>action</c> (created, appended, duplicate, ignored, quarantined) and <c>mailbox</c>.</summary>
    public static Counter<long> MessagesIngested { get; } = Meter.CreateCounter<long>("ticketworker.messages.ingested", "{message}", "messages processed by the intake pipeline");

    /// <summary>How long one message took from stored raw bytes to committed ticket (ms), tagged <c>action</c>.</summary>
    public static Histogram<double> IngestDuration { get; } = Meter.CreateHistogram<double>("ticketworker.ingest.duration", "ms", "time to process one message");

    public static Counter<long> TicketsCreated { get; } = Meter.CreateCounter<long>("ticketworker.tickets.created", "{ticket}", "tickets opened");

    /// <summary>Outgoing mail queued in the outbox, tagged <c>kind</c> (ack, notification, agent-reply, escalation, …).</summary>
    public static Counter<long> OutboxQueued { get; } = Meter.CreateCounter<long>("ticketworker.outbox.queued", "{message}", "mail queued in the outbox");

    /// <summary>Outgoing mail accepted by the SMTP server, tagged <c>kind</c>.</summary>
    public static Counter<long> OutboxSent { get; } = Meter.CreateCounter<long>("ticketworker.outbox.sent", "{message}", "mail accepted by the SMTP server");

    /// <summary>SMTP attempts that failed, tagged <c>reason</c> (transient, permanent, login, connection).</summary>
    public static Counter<long> SmtpFailures { get; } = Meter.CreateCounter<long>("ticketworker.smtp.failures", "{attempt}", "SMTP send attempts that failed");

    public static Counter<long> Quarantined { get; } = Meter.CreateCounter<long>("ticketworker.quarantine.added", "{message}", "messages put in quarantine");

    /// <summary>Escalation levels fired, tagged <c>level</c>.</summary>
    public static Counter<long> EscalationsFired { get; } = Meter.CreateCounter<long>("ticketworker.escalations.fired", "{escalation}", "escalation levels fired");

    /// <summary>OAuth2 token fetches that failed, tagged <c>mode</c>.</summary>
    public static Counter<long> OAuth2Failures { get; } = Meter.CreateCounter<long>("ticketworker.oauth2.failures", "{attempt}", "OAuth2 token requests that failed");

    private static volatile MetricsSnapshot _snapshot = MetricsSnapshot.Empty;

    static TicketWorkerMetrics()
    {
        Meter.CreateObservableGauge("ticketworker.quarantine.size", () => _snapshot.QuarantineOpen, "{message}", "messages in quarantine not yet resolved");
        Meter.CreateObservableGauge("ticketworker.outbox.queue", () => _snapshot.OutboxQueued, "{message}", "mail waiting in the outbox");
        Meter.CreateObservableGauge("ticketworker.outbox.age", () => _snapshot.OutboxOldestAge.TotalSeconds, "s", "age of the oldest mail waiting in the outbox (0 when empty)");
        Meter.CreateObservableGauge("ticketworker.intake.lag", ObserveIntakeLag, "s", "per mailbox: time since its last successful poll (IDLE rounds count)");
    }

    /// <summary>The last sample of the database-backed gauges.</summary>
    public static MetricsSnapshot Snapshot
    {
        get => _snapshot;
        set => _snapshot = value ?? MetricsSnapshot.Empty;
    }

    /// <summary>One processed message: counts it by action and records its duration when it was measured.</summary>
    public static void Ingested(string action, string? mailbox, double? milliseconds)
    {
        var tags = new TagList { { "action", action }, { "mailbox", mailbox ?? "-" } };
        MessagesIngested.Add(1, tags);
        if (milliseconds is { } ms) IngestDuration.Record(ms, new KeyValuePair<string, object?>("action", action));
        if (action == "created") TicketsCreated.Add(1, new KeyValuePair<string, object?>("mailbox", mailbox ?? "-"));
        else if (action == "quarantined") Quarantined.Add(1);
    }

    /// <summary>One outbox row queued (not counted again when its idempotency key already existed).</summary>
    public static void Queued(string kind) => OutboxQueued.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>One outbox row accepted by the SMTP server.</summary>
    public static void Sent(string kind) => OutboxSent.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>One failed SMTP attempt.</summary>
    public static void SmtpFailed(string reason) => SmtpFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>One escalation level fired.</summary>
    public static void Escalated(int level) => EscalationsFired.Add(1, new KeyValuePair<string, object?>("level", level));

    private static IEnumerable<Measurement<double>> ObserveIntakeLag()
    {
        var snapshot = _snapshot;
        foreach (var (mailbox, lag) in snapshot.IntakeLag)
            yield return new Measurement<double>(lag.TotalSeconds, new KeyValuePair<string, object?>("mailbox", mailbox));
    }
}
