namespace TicketWorker.Storage;

/// <summary>The transactional outbox: one row per sending intent, claimed by senders without double sends.</summary>
public interface IOutboxStore
{
    /// <summary>
    /// Queues a rendered message under its idempotency key. Enqueueing a key again writes nothing and
    /// returns the existing row (Created = false). Id, Status, Attempts, claim and SentAt of the argument are ignored.
    /// </summary>
    Task<OutboxEnqueueResult> EnqueueAsync(IStorageTransaction transaction, OutboxItem item, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues an item whose idempotency key names a row this transaction created (a new ticket, a message stored in it),
    /// so no row can hold the key yet. Nothing is read back: on PostgreSQL the insert goes with the transaction's next
    /// statement, in the same round trip. A key present after all is left as it is, as <see cref="EnqueueAsync"/> leaves it.
    /// </summary>
    Task EnqueueNewAsync(IStorageTransaction transaction, OutboxItem item, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="batchSize"/> due rows for <paramref name="worker"/> until <paramref name="claimUntil"/>:
    /// queued rows with NextAttemptAt &lt;= now, and sending rows whose claim expired. Status becomes sending and
    /// Attempts grows by one. Two workers never receive the same row (SKIP LOCKED / READPAST / single writer).
    /// Commit the transaction right after claiming.
    /// </summary>
    Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(IStorageTransaction transaction, string worker, int batchSize, DateTimeOffset now, DateTimeOffset claimUntil, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks a row sent (and the outbound message with its Message-ID sent). <paramref name="note"/> becomes the
    /// row's LastError when the server accepted the message but refused some recipients; null clears it.
    /// </summary>
    Task MarkSentAsync(IStorageTransaction transaction, long id, DateTimeOffset at, string? note = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the bytes the sender composed for a row queued with a recipe, and the subject and text on the
    /// ticket's outbound message with the row's Message-ID (which was stored without them).
    /// </summary>
    Task SetComposedAsync(IStorageTransaction transaction, long id, byte[] raw, string subject, string? text, CancellationToken cancellationToken = default);

    /// <summary>Marks a row failed for good with the reason (and the outbound message failed).</summary>
    Task MarkFailedAsync(IStorageTransaction transaction, long id, string error, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Puts a claimed row back in the queue for another attempt at <paramref name="nextAttemptAt"/>.</summary>
    Task RescheduleAsync(IStorageTransaction transaction, long id, DateTimeOffset nextAttemptAt, string? error, CancellationToken cancellationToken = default);

    /// <summary>Drops a queued or claimed row that is no longer wanted (e.g. a delayed ack after an agent answered); false when already sent or failed.</summary>
    Task<bool> CancelAsync(IStorageTransaction transaction, long id, string reason, CancellationToken cancellationToken = default);

    /// <summary>The row with this id.</summary>
    Task<OutboxItem?> GetAsync(IStorageTransaction transaction, long id, CancellationToken cancellationToken = default);

    /// <summary>The row with this idempotency key.</summary>
    Task<OutboxItem?> FindByKeyAsync(IStorageTransaction transaction, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Rows in a status (all when null), oldest first, without their raw bytes.</summary>
    Task<IReadOnlyList<OutboxItem>> ListAsync(IStorageTransaction transaction, OutboxStatus? status, int limit, CancellationToken cancellationToken = default);

    /// <summary>Row counts per status.</summary>
    Task<OutboxCounts> CountAsync(IStorageTransaction transaction, CancellationToken cancellationToken = default);
}
