using Microsoft.Extensions.Logging;
using TicketWorker.Classification;
using TicketWorker.Mail.Reading;
using TicketWorker.Storage;
using TicketWorker.Threading;
using TicketWorker.Tickets;

namespace TicketWorker.Intake;

/// <summary>
/// The one path every inbound message takes, from IMAP or <c>ingest</c>:
/// raw store → parse → classify → thread → store. IMAP intake hands over a whole batch (group
/// commit): the raw bytes of the batch are made durable once, parsed and classified in parallel,
/// and every message plus the mailbox checkpoint is written in ONE database transaction, so a
/// crash before the commit leaves nothing and after it everything. Idempotent by Message-ID, so
/// at-least-once delivery from intake never makes a second ticket message. Nothing is dropped:
/// a message that cannot be processed is quarantined with its raw bytes and the reason, inside
/// the same transaction, and the batch goes on without it.
/// </summary>
public sealed partial class IngestPipeline(
    RawMailStore rawStore, StorageDatabase database, IQuarantineStore quarantine, IngestContext context, TicketWriter writer,
    OutboxSignal outboxSignal, TimeProvider time, ILogger<IngestPipeline> logger)
{
    /// <summary>
    /// Messages claimed by the parsers and not yet written (parsed, being parsed, or being written), at most: bounds the
    /// parsed messages in memory per batch (<see cref="ParseAhead{T}"/>). Until 2026-12-04 parsing ran one fixed chunk of
    /// 12 ahead of the writer, which kept at most 24 in memory (16 and 32 chunks: see the history in docs/performance.md).
    /// </summary>
    private const int ParseWindow = 24;

    /// <summary>Messages whose Message-IDs and senders are asked at once where a statement is a round trip (PostgreSQL, SQL Server).</summary>
    private const int LookAheadGroup = 12;

    /// <summary>
    /// Messages of at least this size are parsed from the start of their batch (<see cref="ParseAhead{T}"/>'s early items),
    /// at most <see cref="EarlyParseCount"/> per batch, the largest. In the window a message's parse starts only a few
    /// messages before the writer needs it, and a 50 MB message takes ~0.1 s (its attachment is read once, for its size):
    /// the writer waited 94–104 ms for the backlog's 50 MB message, 37–69 ms in 3 of 4 rounds with this, under 20 ms with the
    /// attachment's size counted faster too (LenientBase64.Count; docs/performance.md, 2026-12-04 evening).
    /// Parsed early, a message is held outside the window until written: its attachments stay on disk, its texts in memory.
    /// </summary>
    private const long EarlyParseBytes = 1 << 20;

    private const int EarlyParseCount = 4;

    /// <summary>Retries of one batch beyond one per message (each retry quarantines the message that broke the transaction, or sees a concurrent duplicate).</summary>
    private const int ExtraBatchAttempts = 3;

    /// <summary>Stores the raw bytes first, then processes them; returns what happened (one message: <c>ingest</c>).</summary>
    public async Task<IngestResult> IngestAsync(Stream raw, IngestSource source, CancellationToken cancellationToken)
    {
        RawMailReference reference;
        try
        {
            reference = await rawStore.SaveAsync(raw, cancellationToken).ConfigureAwait(false);
        }
        catch (MessageTooLargeException)
        {
            // Keep what fits, with the reason: mail is never lost, and the limit still protects the disk.
            return await IngestTooLargeAsync(raw, source, cancellationToken).ConfigureAwait(false);
        }
        return await ProcessStoredAsync(reference, source, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IngestResult> IngestTooLargeAsync(Stream raw, IngestSource source, CancellationToken cancellationToken)
    {
        if (!raw.CanSeek) throw new MessageTooLargeException(context.MaxMessageSize);
        raw.Position = 0;
        await using var segment = rawStore.BeginSegment();
        var (reference, full) = await segment.AppendAsync(raw, cancellationToken).ConfigureAwait(false);
        var results = await IngestBatchAsync(segment, [new IngestBatchItem(reference, source, full)], null, cancellationToken).ConfigureAwait(false);
        return results[0];
    }

    /// <summary>Attempts of one message from <c>ingest</c> or <c>quarantine retry</c> while the database is unavailable (about 30 s of pauses).</summary>
    private const int TransientAttempts = 8;

    /// <summary>
    /// Processes raw bytes already in the raw store (<c>ingest</c>, <c>quarantine retry</c>), in a
    /// transaction of its own. A database that is busy, locked or restarting is waited for (about 30 s,
    /// then its error is thrown): that is never the message's fault, so it is never quarantined for it.
    /// </summary>
    /// <param name="quarantineOnFailure">False for a retry of a quarantined item: report the failure instead of quarantining again.</param>
    public async Task<IngestResult> ProcessStoredAsync(RawMailReference reference, IngestSource source, CancellationToken cancellationToken, bool quarantineOnFailure = true)
    {
        var item = new IngestBatchItem(reference, source, reference.Size);
        var pause = TimeSpan.FromMilliseconds(500);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var prepared = await PrepareAsync(item, () => rawStore.OpenAsync(reference.Reference, cancellationToken), cancellationToken).ConfigureAwait(false);
                var results = await WriteBatchAsync([item], (_, _) => Task.FromResult(prepared), null, quarantineOnFailure, cancellationToken).ConfigureAwait(false);
                return results[0];
            }
            catch (Exception e) when (attempt < TransientAttempts && StorageErrors.IsTransient(e))
            {
                Log.DatabaseUnavailable(logger, source.Mailbox, pause, StorageDatabase.OneLine(e.Message));
                await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(8).Ticks));
            }
        }
    }

    /// <summary>
    /// Ingests one batch whose raw bytes are in <paramref name="segment"/> (in the same order as
    /// <paramref name="items"/>): makes them durable (before the commit), parses and classifies them two at a time,
    /// writes them all and runs <paramref name="inTransaction"/> (the mailbox checkpoint) in one
    /// transaction. Returns one result per item. A database failure throws and commits nothing.
    /// </summary>
    public async Task<IReadOnlyList<IngestResult>> IngestBatchAsync(
        RawMailSegment segment, IReadOnlyList<IngestBatchItem> items, Func<IStorageTransaction, Task>? inTransaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(items);
        // The parsers read the flushed file while its fsync runs; the batch commits only after the fsync. Raw mail
        // in the database goes first, in its own transaction, which would otherwise wait for the batch's write lock.
        Task durable;
        if (segment.CompletesInDatabase)
        {
            await segment.CompleteAsync(cancellationToken).ConfigureAwait(false);
            durable = Task.CompletedTask;
        }
        else
        {
            await segment.FlushAsync(cancellationToken).ConfigureAwait(false);
            durable = Task.Run(() => segment.CompleteAsync(cancellationToken), CancellationToken.None);
        }
        try
        {
            return await WriteBatchAsync(items,
                (index, ct) => PrepareAsync(items[index], () => Task.FromResult(segment.OpenEntry(index)), ct),
                async tx =>
                {
                    await durable.ConfigureAwait(false);
                    if (inTransaction is not null) await inTransaction(tx).ConfigureAwait(false);
                },
                quarantineOnFailure: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Not left running past the batch (the caller disposes of the segment); a failure of the batch is the one reported.
            await durable.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>The batch's messages to parse early (<see cref="EarlyParseBytes"/>), in batch order.</summary>
    private static List<int>? Largest(IReadOnlyList<IngestBatchItem> items)
    {
        List<int>? large = null;
        for (var i = 0; i < items.Count; i++)
            if (items[i].Raw.Size >= EarlyParseBytes) (large ??= []).Add(i);
        if (large is null || large.Count <= EarlyParseCount) return large;
        return large.OrderByDescending(i => items[i].Raw.Size).Take(EarlyParseCount).Order().ToList();
    }

    /// <summary>What parsing made of one message: ready to write, or the reason to quarantine it.</summary>
    /// <param name="Milliseconds">Time spent reading and classifying it (the per-message log line adds the write).</param>
    private sealed record Prepared(InboundMessage? Inbound, string? Failure, double Milliseconds = 0);

    private async Task<IReadOnlyList<IngestResult>> WriteBatchAsync(
        IReadOnlyList<IngestBatchItem> items, Func<int, CancellationToken, Task<Prepared>> prepare, Func<IStorageTransaction, Task>? inTransaction,
        bool quarantineOnFailure, CancellationToken cancellationToken)
    {
        // Messages that broke the batch's transaction in an earlier attempt, with the reason.
        var failed = new Dictionary<int, string>();
        var maxAttempts = items.Count + ExtraBatchAttempts;
        for (var attempt = 1; ; attempt++)
        {
            var results = new IngestResult[items.Count];
            var elapsed = new double[items.Count];
            await using var tx = await database.BeginAsync(cancellationToken).ConfigureAwait(false);
            var batch = writer.BeginBatch(tx);
            var current = 0;
            try
            {
                // Parsing (on every core) runs ahead of the writer in a sliding window, so parsing and the database overlap.
                await using var ahead = new ParseAhead<Prepared>(items.Count, Environment.ProcessorCount, ParseWindow,
                    (index, ct) => failed.TryGetValue(index, out var reason) ? Task.FromResult(new Prepared(null, reason)) : prepare(index, ct),
                    cancellationToken, early: Largest(items));
                for (var i = 0; i < items.Count; i++)
                {
                    current = i;
                    if (current % LookAheadGroup == 0 && batch.AsksAhead)
                        await LookAheadAsync(batch, ahead, current, Math.Min(current + LookAheadGroup, items.Count), cancellationToken).ConfigureAwait(false);
                    var prepared = await ahead.TakeAsync(current).ConfigureAwait(false);
                    var writing = System.Diagnostics.Stopwatch.GetTimestamp();
                    results[current] = prepared.Inbound is { } inbound
                        ? await batch.WriteAsync(inbound, cancellationToken).ConfigureAwait(false)
                        : await QuarantineInAsync(tx, items[current], prepared.Failure!, quarantineOnFailure, cancellationToken).ConfigureAwait(false);
                    elapsed[current] = prepared.Milliseconds + System.Diagnostics.Stopwatch.GetElapsedTime(writing).TotalMilliseconds;
                    ahead.Done(current);
                }
                if (inTransaction is not null) await inTransaction(tx).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                database.BatchCommitted();
            }
            catch (ConcurrentDuplicateException) when (attempt < maxAttempts)
            {
                // Another worker committed the same Message-ID meanwhile: the next attempt sees it as a duplicate.
                await RollbackQuietlyAsync(tx).ConfigureAwait(false);
                continue;
            }
            catch (Exception e) when (attempt < maxAttempts && IsMessageFault(e))
            {
                // A bug or a message that breaks an assumption must not stop intake, lose the mail or
                // hold back the rest of the batch: the batch is written again with this one quarantined.
                await RollbackQuietlyAsync(tx).ConfigureAwait(false);
                Log.ProcessingFailed(logger, e, items[current].Source.Mailbox, items[current].Source.Uid);
                failed[current] = $"processing failed: {e.GetType().Name}: {e.Message}";
                continue;
            }

            if (results.Any(r => r.Action != IngestResult.Quarantined || !quarantineOnFailure)) outboxSignal.Notify();
            // The batch freed its native buffers (SQLite, parsing) on whichever threads ran it: give them back.
            if (items.Count > 1) Hosting.NativeHeap.Trim();
            for (var i = 0; i < results.Length; i++)
            {
                var r = results[i];
                var source = items[i].Source;
                if (r.Action == IngestResult.Quarantined)
                {
                    Log.Quarantined(logger, source.Mailbox, source.Uid, r.Reason ?? "");
                    Observability.TicketWorkerMetrics.Ingested(IngestResult.Quarantined, source.Mailbox, null);
                }
                else
                {
                    Log.Ingested(logger, source.Mailbox, source.Uid, r.Ticket, r.Action, r.Kind, Math.Round(elapsed[i], 1));
                    Observability.TicketWorkerMetrics.Ingested(r.Action, source.Mailbox, elapsed[i]);
                }
            }
            return results;
        }
    }

    /// <summary>A provider may have dropped the connection with the failure (Npgsql does on a value it cannot write): the transaction is gone either way.</summary>
    private static async Task RollbackQuietlyAsync(IStorageTransaction tx)
    {
        try
        {
            await tx.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or System.Data.Common.DbException or IOException)
        {
            // Discarded with the connection.
        }
    }

    private static bool IsMessageFault(Exception e) =>
        e is not (OperationCanceledException or StorageException or IOException or UnauthorizedAccessException
            or System.Data.Common.DbException or TimeoutException) && !StorageErrors.IsTransient(e);

    /// <summary>Asks the database at once what the writes of messages [<paramref name="from"/>, <paramref name="to"/>) would each ask (Message-IDs, senders' automatic mails).</summary>
    private static async Task LookAheadAsync(TicketWriter.TicketBatch batch, ParseAhead<Prepared> ahead, int from, int to, CancellationToken cancellationToken)
    {
        var next = new List<InboundMessage>(to - from);
        for (var i = from; i < to; i++)
            if ((await ahead.TakeAsync(i).ConfigureAwait(false)).Inbound is { } inbound) next.Add(inbound);
        await batch.LookAheadAsync(next, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Parses, identifies and classifies one message; never throws for a bad message.</summary>
    private async Task<Prepared> PrepareAsync(IngestBatchItem item, Func<Task<Stream>> open, CancellationToken cancellationToken)
    {
        var (reference, source) = (item.Raw, item.Source);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (item.FullSize > context.MaxMessageSize || reference.Size > context.MaxMessageSize)
            return new Prepared(null, $"message of {item.FullSize} bytes exceeds MaxMessageSize {context.MaxMessageSize}"
                + (item.FullSize > reference.Size ? $" (the first {reference.Size} bytes are kept)" : ""));

        // Parsed from the stored bytes (persistent: attachments stay on disk, read once for their size).
        ReadMessage message;
        try
        {
            await using var stream = await open().ConfigureAwait(false);
            message = await MessageReader.ReadAsync(stream, context.ReaderOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (MessageReadException e)
        {
            return new Prepared(null, "unparsable: " + e.Message);
        }
        catch (Exception e) when (e is not (OperationCanceledException or IOException or UnauthorizedAccessException or StorageException
            or System.Data.Common.DbException or TimeoutException) && !StorageErrors.IsTransient(e))
        {
            // A MimeKit defect on some odd message must not stop intake or lose the mail.
            Log.ProcessingFailed(logger, e, source.Mailbox, source.Uid);
            return new Prepared(null, $"reading failed: {e.GetType().Name}: {e.Message}");
        }

        try
        {
            var messageId = message.MessageId;
            if (string.IsNullOrWhiteSpace(messageId))
            {
                await using var stream = await open().ConfigureAwait(false);
                messageId = await StableMessageId.ComputeAsync(stream, cancellationToken).ConfigureAwait(false);
            }
            var classification = context.Classifier().Classify(message);
            var inbound = new InboundMessage(message, messageId, classification, reference, source);
            // Quote stripping and the language rules see are CPU work on the message alone: done here, in parallel, not in the batch writer.
            _ = inbound.NewText;
            _ = inbound.Language;
            return new Prepared(inbound, null,
                System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is not (OperationCanceledException or IOException or UnauthorizedAccessException or StorageException))
        {
            Log.ProcessingFailed(logger, e, source.Mailbox, source.Uid);
            return new Prepared(null, $"processing failed: {e.GetType().Name}: {e.Message}");
        }
    }

    private async Task<IngestResult> QuarantineInAsync(IStorageTransaction tx, IngestBatchItem item, string reason, bool quarantineOnFailure, CancellationToken cancellationToken)
    {
        if (!quarantineOnFailure) return new IngestResult(IngestResult.Quarantined, null, null, null, reason);
        await quarantine.AddAsync(tx, new QuarantineItem
        {
            RawReference = item.Raw.Reference,
            RawSize = item.Raw.Size,
            Reason = reason,
            Mailbox = item.Source.Mailbox,
            Uid = item.Source.Uid,
            CreatedAt = time.GetUtcNow(),
        }, cancellationToken).ConfigureAwait(false);
        return new IngestResult(IngestResult.Quarantined, null, null, null, reason);
    }

    private static partial class Log
    {
        // The one line per processed message: what an admin greps for, and what the JSON log carries as fields.
        // ElapsedMs: reading and classifying it plus writing it inside its batch's transaction (the commit is shared).
        [LoggerMessage(1, LogLevel.Information, "mailbox {Mailbox} uid {Uid}: ticket {Ticket} {Action} ({Kind}) in {ElapsedMs} ms")]
        public static partial void Ingested(ILogger logger, string? mailbox, long? uid, long? ticket, string action, string? kind, double elapsedMs);

        [LoggerMessage(2, LogLevel.Warning, "Message quarantined (mailbox {Mailbox}, uid {Uid}): {Reason}")]
        public static partial void Quarantined(ILogger logger, string? mailbox, long? uid, string reason);

        [LoggerMessage(3, LogLevel.Error, "Processing failed (mailbox {Mailbox}, uid {Uid}); the message goes to quarantine")]
        public static partial void ProcessingFailed(ILogger logger, Exception exception, string? mailbox, long? uid);

        [LoggerMessage(4, LogLevel.Warning, "Database unavailable while processing a message for mailbox {Mailbox}; trying again in {Pause}: {Error}")]
        public static partial void DatabaseUnavailable(ILogger logger, string? mailbox, TimeSpan pause, string error);
    }
}
