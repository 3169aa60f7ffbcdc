namespace TicketWorker.Storage;

/// <summary>The <see cref="IOutboxStore"/> over SQLite, PostgreSQL or SQL Server.</summary>
public sealed class SqlOutboxStore : IOutboxStore
{
    private static readonly string[] Columns =
    [
        "id", "idempotency_key", "ticket_id", "kind", "mailbox", "envelope_from", "recipients", "message_id", "raw", "status",
        "attempts", "next_attempt_at", "last_error", "claimed_by", "claimed_until", "created_at", "sent_at", "recipe",
    ];

    private static readonly string[] InsertColumns =
    [
        "idempotency_key", "ticket_id", "kind", "mailbox", "envelope_from", "recipients", "message_id", "raw", "status",
        "attempts", "next_attempt_at", "created_at", "recipe",
    ];

    private static readonly string AllColumns = string.Join(", ", Columns);

    // Listings leave out the rendered bytes; an empty blob keeps the column shape the same.
    private static readonly string ListColumns = string.Join(", ", Columns.Where(c => c != "raw"));

    private readonly SqlRunner sql;

    /// <summary>Creates the store on a database.</summary>
    public SqlOutboxStore(StorageDatabase database)
    {
        sql = new SqlRunner(database);
    }

    /// <inheritdoc/>
    public async Task<OutboxEnqueueResult> EnqueueAsync(IStorageTransaction transaction, OutboxItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentException.ThrowIfNullOrEmpty(item.IdempotencyKey);
        var id = await sql.ScalarAsync<long?>(
            transaction,
            sql.Statement("insert-outbox", static d => d.InsertIfAbsent("outbox", "idempotency_key", InsertColumns)),
            InsertParameters(item),
            cancellationToken).ConfigureAwait(false);
        if (id is null)
        {
            var existing = await FindByKeyAsync(transaction, item.IdempotencyKey, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Outbox key '{item.IdempotencyKey}' conflicted but cannot be read.");
            return new OutboxEnqueueResult(existing, false);
        }

        Observability.TicketWorkerMetrics.Queued(item.Kind);
        return new OutboxEnqueueResult(item with { Id = id.Value, Status = OutboxStatus.Queued, Attempts = 0, ClaimedBy = null, ClaimedUntil = null, SentAt = null, LastError = null }, true);
    }

    /// <inheritdoc/>
    public async Task EnqueueNewAsync(IStorageTransaction transaction, OutboxItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentException.ThrowIfNullOrEmpty(item.IdempotencyKey);
        // Returns nothing, so it can be held back (PostgreSQL); a key present after all is kept, as EnqueueAsync keeps it.
        await sql.WriteAsync(
            transaction,
            sql.Statement("insert-new-outbox", static d => d.Upsert("outbox", ["idempotency_key"], [], InsertColumns)),
            InsertParameters(item),
            cancellationToken).ConfigureAwait(false);
        Observability.TicketWorkerMetrics.Queued(item.Kind);
    }

    private static object InsertParameters(OutboxItem item) => new
    {
        item.IdempotencyKey,
        item.TicketId,
        item.Kind,
        item.Mailbox,
        item.EnvelopeFrom,
        Recipients = JsonListHandler.ToJson(item.Recipients),
        item.MessageId,
        item.Raw,
        Status = SqlRunner.Text(OutboxStatus.Queued),
        Attempts = 0,
        item.NextAttemptAt,
        item.CreatedAt,
        item.Recipe,
    };

    /// <inheritdoc/>
    public async Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(IStorageTransaction transaction, string worker, int batchSize, DateTimeOffset now, DateTimeOffset claimUntil, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(worker);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var rows = await sql.QueryAsync<OutboxItem>(
            transaction,
            sql.Dialect.ClaimDueSql(Columns),
            new { Worker = worker, BatchSize = batchSize, Now = now, ClaimUntil = claimUntil },
            cancellationToken).ConfigureAwait(false);
        return rows.OrderBy(r => r.NextAttemptAt).ThenBy(r => r.Id).ToList();
    }

    /// <inheritdoc/>
    public async Task MarkSentAsync(IStorageTransaction transaction, long id, DateTimeOffset at, string? note = null, CancellationToken cancellationToken = default)
    {
        await sql.ExecuteAsync(
            transaction,
            "UPDATE outbox SET status = 'sent', sent_at = @At, claimed_by = NULL, claimed_until = NULL, last_error = @Note WHERE id = @Id",
            new { Id = id, At = at, Note = note },
            cancellationToken).ConfigureAwait(false);
        await sql.ExecuteAsync(
            transaction,
            "UPDATE messages SET status = 'sent' WHERE direction = 'outbound' AND message_id = (SELECT message_id FROM outbox WHERE id = @Id)",
            new { Id = id },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task SetComposedAsync(IStorageTransaction transaction, long id, byte[] raw, string subject, string? text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.Length == 0) throw new ArgumentException("A composed message has bytes.", nameof(raw));
        await sql.ExecuteAsync(transaction, "UPDATE outbox SET raw = @Raw WHERE id = @Id", new { Id = id, Raw = raw }, cancellationToken).ConfigureAwait(false);
        await sql.ExecuteAsync(
            transaction,
            "UPDATE messages SET subject = @Subject, text_body = @Text WHERE direction = 'outbound' AND message_id = (SELECT message_id FROM outbox WHERE id = @Id)",
            new { Id = id, Subject = subject, Text = text },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task MarkFailedAsync(IStorageTransaction transaction, long id, string error, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await sql.ExecuteAsync(
            transaction,
            "UPDATE outbox SET status = 'failed', last_error = @Error, claimed_by = NULL, claimed_until = NULL WHERE id = @Id",
            new { Id = id, Error = error },
            cancellationToken).ConfigureAwait(false);
        await sql.ExecuteAsync(
            transaction,
            "UPDATE messages SET status = 'failed', failure_reason = @Error WHERE direction = 'outbound' AND message_id = (SELECT message_id FROM outbox WHERE id = @Id)",
            new { Id = id, Error = error },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task RescheduleAsync(IStorageTransaction transaction, long id, DateTimeOffset nextAttemptAt, string? error, CancellationToken cancellationToken = default) =>
        sql.ExecuteAsync(
            transaction,
            "UPDATE outbox SET status = 'queued', next_attempt_at = @Next, last_error = @Error, claimed_by = NULL, claimed_until = NULL WHERE id = @Id",
            new { Id = id, Next = nextAttemptAt, Error = error },
            cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> CancelAsync(IStorageTransaction transaction, long id, string reason, CancellationToken cancellationToken = default) =>
        await sql.ExecuteAsync(
            transaction,
            "UPDATE outbox SET status = 'failed', last_error = @Reason, claimed_by = NULL, claimed_until = NULL WHERE id = @Id AND status IN ('queued', 'sending')",
            new { Id = id, Reason = reason },
            cancellationToken).ConfigureAwait(false) > 0;

    /// <inheritdoc/>
    public Task<OutboxItem?> GetAsync(IStorageTransaction transaction, long id, CancellationToken cancellationToken = default) =>
        sql.QueryFirstOrDefaultAsync<OutboxItem>(transaction, $"SELECT {AllColumns} FROM outbox WHERE id = @Id", new { Id = id }, cancellationToken);

    /// <inheritdoc/>
    public Task<OutboxItem?> FindByKeyAsync(IStorageTransaction transaction, string idempotencyKey, CancellationToken cancellationToken = default) =>
        sql.QueryFirstOrDefaultAsync<OutboxItem>(transaction, $"SELECT {AllColumns} FROM outbox WHERE idempotency_key = @Key", new { Key = idempotencyKey }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<OutboxItem>> ListAsync(IStorageTransaction transaction, OutboxStatus? status, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var d = sql.Dialect;
        return sql.QueryAsync<OutboxItem>(
            transaction,
            $"SELECT {d.Top(limit)} {ListColumns} FROM outbox WHERE (@Status IS NULL OR status = @Status) ORDER BY id {d.Limit(limit)}",
            new { Status = status is null ? null : SqlRunner.Text(status.Value) },
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<OutboxCounts> CountAsync(IStorageTransaction transaction, CancellationToken cancellationToken = default)
    {
        var rows = await sql.QueryAsync<(string Status, long Count)>(
            transaction, "SELECT status, CAST(COUNT(*) AS bigint) FROM outbox GROUP BY status", null, cancellationToken).ConfigureAwait(false);
        var counts = rows.ToDictionary(r => r.Status, r => (int)r.Count, StringComparer.Ordinal);
        return new OutboxCounts(counts.GetValueOrDefault("queued"), counts.GetValueOrDefault("sending"), counts.GetValueOrDefault("sent"), counts.GetValueOrDefault("failed"));
    }
}
