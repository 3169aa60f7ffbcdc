using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TicketWorker.Hosting;
using TicketWorker.Intake;

namespace TicketWorker.Outbox;

/// <summary>The outbox loop of <c>ticketworker run</c>: <see cref="OutboxSender.RunOnceAsync"/> every PollInterval, at once again while batches come back full.</summary>
public sealed partial class OutboxSenderService : BackgroundService
{
    private readonly TicketWorkerRuntime _runtime;
    private readonly OutboxSender _sender;
    private readonly ILogger<OutboxSenderService> _log;

    /// <summary>Creates the service for this worker process; Sent copies go over IMAP unless another appender is given.</summary>
    public OutboxSenderService(TicketWorkerRuntime runtime, WorkerIdentity identity, ILoggerFactory loggers, ISentFolderAppender? sentFolder = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(loggers);
        _runtime = runtime;
        _sender = new OutboxSender(runtime, identity.Id, sentFolder ?? new ImapSentFolderAppender(runtime.Settings), loggers.CreateLogger<OutboxSender>());
        _log = loggers.CreateLogger<OutboxSenderService>();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = _runtime.Options.Outbox;
        if (string.IsNullOrWhiteSpace(_runtime.Options.Smtp.Host))
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
                // Mostly the database: rows claimed in this round come back when their claim expires.
                pause = errors.Next();
                Log.RoundFailed(_log, pause, ex);
            }

            if (pause > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(pause, _runtime.Time, stoppingToken).ConfigureAwait(false);
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
    }
}
