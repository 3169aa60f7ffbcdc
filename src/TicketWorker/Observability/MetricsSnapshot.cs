namespace TicketWorker.Observability;

/// <summary>What the database-backed gauges report, read by <see cref="MetricsSampler"/>.</summary>
public sealed record MetricsSnapshot(long QuarantineOpen, long OutboxQueued, TimeSpan OutboxOldestAge, IReadOnlyDictionary<string, TimeSpan> IntakeLag)
{
    public static MetricsSnapshot Empty { get; } = new(0, 0, TimeSpan.Zero, new Dictionary<string, TimeSpan>());
}
