using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TicketWorker.Configuration;
using TicketWorker.Intake;

namespace TicketWorker.Outbox;

/// <summary>The outbox loop of <c>ticketworker run</c>: <see cref="OutboxSender.RunOnceAsync"/> every PollInterval, at once again while batches come back full.</summary>
public sealed partial class OutboxSenderService : BackgroundService
{
    private readonly OutboxSender _sender;
    private readonly TicketWorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxSenderService> _log;
    private readonly Storage.OutboxSignal? _signal;

    /// <summary>Creates the loop around this worker process's <paramref name="sender"/>.</summary>
    /// <param name="options">The <c>Outbox</c> section (pace, batch size) and whether <c>Smtp</c> is set at all.</param>
    /// <param name="signal">Intake's "rows committed" signal: the sender goes at once instead of at its next poll.</param>
    public OutboxSenderService(OutboxSender sender, TicketWorkerOptions options, TimeProvider time, ILogger<OutboxSenderService> log, Storage.OutboxSignal? signal = null)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(log);
        _sender = sender;
        _options = options;
        _time = time;
        _log = log;
        _signal = signal;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = _options.Outbox;
        if (string.IsNullOrWhiteSpace(_options.Smtp.Host))
        {
            Log.NoSmtp(_log);
            return;
        }

        Log.Started(_log, options.PollInterval, options.BatchSize);
        var errors = new Backoff(options.PollInterval, options.MaxRetryDelay);
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan pause;
            try
            {
                var result = await _sender.RunOnceAsync(stoppingToken).ConfigureAwait(false);
                errors.Reset();
                // A full batch means more may be due: go again without waiting.
                pause = result.Claimed >= options.BatchSize ? TimeSpan.Zero : options.PollInterval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Mostly the database: rows claimed in this round come back when their claim expires, and
                // what the server accepted is in the sent journal, committed before the next claim.
                pause = errors.Next();
                if (ex is Storage.StorageException || Storage.StorageErrors.IsTransient(ex)) Log.DatabaseUnavailable(_log, pause, ex.Message.ReplaceLineEndings(" "));
                else Log.RoundFailed(_log, pause, ex);
            }

            if (pause > TimeSpan.Zero)
            {
                try
                {
                    if (_signal is not null && pause == options.PollInterval) await _signal.WaitAsync(pause, _time, stoppingToken).ConfigureAwait(false);
                    else await Task.Delay(pause, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Outbox sender started: polling every {PollInterval}, up to {BatchSize} messages per connection")]
        public static partial void Started(ILogger logger, TimeSpan pollInterval, int batchSize);

        [LoggerMessage(2, LogLevel.Warning, "Outbox sender off: TicketWorker:Smtp:Host is not set")]
        public static partial void NoSmtp(ILogger logger);

        [LoggerMessage(3, LogLevel.Error, "Outbox round failed; next try in {Pause}")]
        public static partial void RoundFailed(ILogger logger, TimeSpan pause, Exception exception);

        [LoggerMessage(4, LogLevel.Warning, "Outbox round failed, the database is unavailable; next try in {Pause}: {Error}")]
        public static partial void DatabaseUnavailable(ILogger logger, TimeSpan pause, string error);
    }
}
