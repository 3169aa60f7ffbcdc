namespace TicketWorker.Storage;

/// <summary>The <see cref="IQuarantineStore"/> over SQLite, PostgreSQL or SQL Server.</summary>
public sealed class SqlQuarantineStore : IQuarantineStore
{
    private const string Columns = "id, raw_reference, raw_size, reason, mailbox, uid, created_at, retried_at, retry_count, resolved";

    private readonly SqlRunner sql;

    /// <summary>Creates the store on a database.</summary>
    public SqlQuarantineStore(StorageDatabase database)
    {
        sql = new SqlRunner(database);
    }

    /// <inheritdoc/>
    public async Task<long> AddAsync(IStorageTransaction transaction, QuarantineItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        var d = sql.Dialect;
        return await sql.ScalarAsync<long>(
            transaction,
            $"""
            INSERT INTO quarantine (raw_reference, raw_size, reason, mailbox, uid, created_at, retry_count, resolved) {d.OutputId}
            VALUES (@RawReference, @RawSize, @Reason, @Mailbox, @Uid, @CreatedAt, 0, @Resolved) {d.ReturningId}
            """,
            new { item.RawReference, item.RawSize, item.Reason, item.Mailbox, item.Uid, item.CreatedAt, Resolved = false },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<QuarantineItem>> ListAsync(IStorageTransaction transaction, bool includeResolved, CancellationToken cancellationToken = default) =>
        sql.QueryAsync<QuarantineItem>(
            transaction,
            $"SELECT {Columns} FROM quarantine WHERE resolved = @False OR @IncludeResolved = @True ORDER BY id",
            new { False = false, True = true, IncludeResolved = includeResolved },
            cancellationToken);

    /// <inheritdoc/>
    public Task<QuarantineItem?> GetAsync(IStorageTransaction transaction, long id, CancellationToken cancellationToken = default) =>
        sql.QueryFirstOrDefaultAsync<QuarantineItem>(transaction, $"SELECT {Columns} FROM quarantine WHERE id = @Id", new { Id = id }, cancellationToken);

    /// <inheritdoc/>
    public Task<QuarantineItem?> FindUnresolvedByRawReferenceAsync(IStorageTransaction transaction, string rawReference, CancellationToken cancellationToken = default)
    {
        var d = sql.Dialect;
        return sql.QueryFirstOrDefaultAsync<QuarantineItem>(
            transaction,
            $"SELECT {d.Top(1)} {Columns} FROM quarantine WHERE raw_reference = @RawReference AND resolved = @False ORDER BY id DESC {d.Limit(1)}",
            new { RawReference = rawReference, False = false },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task MarkRetriedAsync(IStorageTransaction transaction, long id, DateTimeOffset at, bool resolved, string? reason, CancellationToken cancellationToken = default) =>
        sql.ExecuteAsync(
            transaction,
            "UPDATE quarantine SET retried_at = @At, retry_count = retry_count + 1, resolved = @Resolved, reason = COALESCE(@Reason, reason) WHERE id = @Id",
            new { Id = id, At = at, Resolved = resolved, Reason = reason },
            cancellationToken);

    /// <inheritdoc/>
    public async Task<int> CountAsync(IStorageTransaction transaction, CancellationToken cancellationToken = default) =>
        (int)await sql.ScalarAsync<long>(transaction, "SELECT CAST(COUNT(*) AS bigint) FROM quarantine WHERE resolved = @False", new { False = false }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task<int> CountQuarantinedAfterAsync(IStorageTransaction transaction, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        (int)await sql.ScalarAsync<long>(transaction, "SELECT CAST(COUNT(*) AS bigint) FROM quarantine WHERE created_at > @Since", new { Since = since }, cancellationToken).ConfigureAwait(false);
}
