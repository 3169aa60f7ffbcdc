using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TicketWorker.Configuration;
using TicketWorker.Storage;

namespace TicketWorker.Observability;

/// <summary>
/// Reads what the observable gauges report from the database every <c>Telemetry:SampleInterval</c>:
/// unresolved quarantine items, the outbox queue and the age of its oldest row, and per mailbox the
/// time since its last successful poll. A gauge callback must not query a database itself (it runs
/// on the exporter's or the EventSource listener's thread whenever they collect).
/// </summary>
public sealed partial class MetricsSampler(
    StorageDatabase database, IQuarantineStore quarantine, IOutboxStore outbox, IMailboxStateStore mailboxState,
    TicketWorkerOptions options, TimeProvider time, ILogger<MetricsSampler> logger) : BackgroundService
{
    /// <summary>Reads one sample and publishes it to <see cref="TicketWorkerMetrics.Snapshot"/>.</summary>
    public async Task<MetricsSnapshot> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = await database.InReadAsync(async tx =>
        {
            var now = time.GetUtcNow();
            var open = await quarantine.CountAsync(tx, cancellationToken).ConfigureAwait(false);
            var counts = await outbox.CountAsync(tx, cancellationToken).ConfigureAwait(false);
            var oldest = (await outbox.ListAsync(tx, OutboxStatus.Queued, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
            var checkpoints = await mailboxState.ListCheckpointsAsync(tx, cancellationToken).ConfigureAwait(false);
            var lag = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
            foreach (var m in options.Mailboxes)
            {
                var c = checkpoints.FirstOrDefault(x => x.Mailbox == m.Name && x.Folder == m.Folder);
                if (c?.LastPollAt is { } last) lag[m.Name] = now - last > TimeSpan.Zero ? now - last : TimeSpan.Zero;
            }
            var age = oldest is null || now <= oldest.CreatedAt ? TimeSpan.Zero : now - oldest.CreatedAt;
            return new MetricsSnapshot(open, counts.Queued, age, lag);
        }, cancellationToken).ConfigureAwait(false);
        TicketWorkerMetrics.Snapshot = snapshot;
        return snapshot;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Telemetry.SampleInterval > TimeSpan.Zero ? options.Telemetry.SampleInterval : TimeSpan.FromSeconds(15);
        string? lastError = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                lastError = null;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is StorageException or System.Data.Common.DbException or InvalidOperationException)
            {
                // The gauges keep their last values; intake and outbox report the database themselves.
                if (e.Message != lastError) Log.SampleFailed(logger, e.Message);
                lastError = e.Message;
            }
            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "metrics: reading the gauges from the database failed: {Error}")]
        public static partial void SampleFailed(ILogger logger, string error);
    }
}
