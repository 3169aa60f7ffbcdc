using Microsoft.Extensions.Logging;
using TicketWorker.Classification;
using TicketWorker.Mail.Reading;
using TicketWorker.Storage;
using TicketWorker.Threading;
using TicketWorker.Tickets;

namespace TicketWorker.Intake;

/// <summary>
/// The one path every inbound message takes, from IMAP or <c>ingest</c>:
/// raw store → parse → classify → thread → store (one transaction). Idempotent by Message-ID, so
/// at-least-once delivery from intake never makes a second ticket message. Nothing is dropped:
/// a message that cannot be processed is quarantined with its raw bytes and the reason.
/// </summary>
public sealed partial class IngestPipeline(
    RawMailStore rawStore, StorageDatabase database, IQuarantineStore quarantine, IngestContext context, TicketWriter writer,
    TimeProvider time, ILogger<IngestPipeline> logger)
{

    /// <summary>Stores the raw bytes first, then processes them; returns what happened.</summary>
    public async Task<IngestResult> IngestAsync(Stream raw, IngestSource source, CancellationToken cancellationToken)
    {
        var reference = await rawStore.SaveAsync(raw, cancellationToken).ConfigureAwait(false);
        return await ProcessStoredAsync(reference, source, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Processes raw bytes already in the raw store (intake, and <c>quarantine retry</c>).</summary>
    /// <param name="quarantineOnFailure">False for a retry of a quarantined item: report the failure instead of quarantining again.</param>
    public async Task<IngestResult> ProcessStoredAsync(RawMailReference reference, IngestSource source, CancellationToken cancellationToken, bool quarantineOnFailure = true)
    {
        Task<IngestResult> QuarantineAsync(RawMailReference r, IngestSource s, string reason, CancellationToken ct) =>
            quarantineOnFailure ? this.QuarantineAsync(r, s, reason, ct) : Task.FromResult(new IngestResult(IngestResult.Quarantined, null, null, null, reason));

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (reference.Size > context.MaxMessageSize)
            return await QuarantineAsync(reference, source, $"message of {reference.Size} bytes exceeds MaxMessageSize {context.MaxMessageSize}", cancellationToken).ConfigureAwait(false);

        // Parsed from the stored file (persistent: attachments stay on disk, read once for their size).
        ReadMessage message;
        try
        {
            await using var stream = await rawStore.OpenAsync(reference.Reference, cancellationToken).ConfigureAwait(false);
            message = await MessageReader.ReadAsync(stream, context.ReaderOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (MessageReadException e)
        {
            return await QuarantineAsync(reference, source, "unparsable: " + e.Message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (OperationCanceledException or IOException or UnauthorizedAccessException or StorageException))
        {
            // A MimeKit defect on some odd message must not stop intake or lose the mail.
            Log.ProcessingFailed(logger, e, source.Mailbox, source.Uid);
            return await QuarantineAsync(reference, source, $"reading failed: {e.GetType().Name}: {e.Message}", cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var messageId = message.MessageId;
            if (string.IsNullOrWhiteSpace(messageId))
            {
                await using var stream = await rawStore.OpenAsync(reference.Reference, cancellationToken).ConfigureAwait(false);
                messageId = await StableMessageId.ComputeAsync(stream, cancellationToken).ConfigureAwait(false);
            }
            var classification = context.Classifier().Classify(message);
            var result = await writer.WriteAsync(new InboundMessage(message, messageId, classification, reference, source), cancellationToken).ConfigureAwait(false);
            var ms = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.Ingested(logger, source.Mailbox, source.Uid, result.Ticket, result.Action, result.Kind, Math.Round(ms, 1));
            Observability.TicketWorkerMetrics.Ingested(result.Action, source.Mailbox, ms);
            return result;
        }
        catch (Exception e) when (e is not (OperationCanceledException or StorageException))
        {
            // A bug or a message that breaks an assumption must not stop intake or lose the mail.
            Log.ProcessingFailed(logger, e, source.Mailbox, source.Uid);
            return await QuarantineAsync(reference, source, $"processing failed: {e.GetType().Name}: {e.Message}", cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IngestResult> QuarantineAsync(RawMailReference reference, IngestSource source, string reason, CancellationToken cancellationToken)
    {
        var id = await database.InTransactionAsync(async tx =>
            await quarantine.AddAsync(tx, new QuarantineItem
            {
                RawReference = reference.Reference,
                RawSize = reference.Size,
                Reason = reason,
                Mailbox = source.Mailbox,
                Uid = source.Uid,
                CreatedAt = time.GetUtcNow(),
            }, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        Log.Quarantined(logger, id, source.Mailbox, source.Uid, reason);
        Observability.TicketWorkerMetrics.Ingested(IngestResult.Quarantined, source.Mailbox, null);
        return new IngestResult(IngestResult.Quarantined, null, null, null, reason);
    }

    private static partial class Log
    {
        // The one line per processed message: what an admin greps for, and what the JSON log carries as fields.
        [LoggerMessage(1, LogLevel.Information, "mailbox {Mailbox} uid {Uid}: ticket {Ticket} {Action} ({Kind}) in {ElapsedMs} ms")]
        public static partial void Ingested(ILogger logger, string? mailbox, long? uid, long? ticket, string action, string? kind, double elapsedMs);

        [LoggerMessage(2, LogLevel.Warning, "Message quarantined as item {Id} (mailbox {Mailbox}, uid {Uid}): {Reason}")]
        public static partial void Quarantined(ILogger logger, long id, string? mailbox, long? uid, string reason);

        [LoggerMessage(3, LogLevel.Error, "Processing failed (mailbox {Mailbox}, uid {Uid}); the message goes to quarantine")]
        public static partial void ProcessingFailed(ILogger logger, Exception exception, string? mailbox, long? uid);
    }
}
