namespace TicketWorker.Storage;

/// <summary>The <see cref="IMailboxStateStore"/> over SQLite, PostgreSQL or SQL Server.</summary>
public sealed class SqlMailboxStateStore : IMailboxStateStore
{
    private const string CheckpointColumns = "mailbox, folder, uid_validity, last_uid, last_poll_at, connected, last_error, backlog";

    private readonly SqlRunner sql;

    /// <summary>Creates the store on a database.</summary>
    public SqlMailboxStateStore(StorageDatabase database)
    {
        sql = new SqlRunner(database);
    }

    /// <inheritdoc/>
    public Task<MailboxCheckpoint?> GetCheckpointAsync(IStorageTransaction transaction, string mailbox, string folder, CancellationToken cancellationToken = default) =>
        sql.QueryFirstOrDefaultAsync<MailboxCheckpoint>(
            transaction, $"SELECT {CheckpointColumns} FROM mailbox_checkpoints WHERE mailbox = @Mailbox AND folder = @Folder", new { Mailbox = mailbox, Folder = folder }, cancellationToken);

    /// <inheritdoc/>
    public Task SetCheckpointAsync(IStorageTransaction transaction, MailboxCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var upsert = sql.Dialect.Upsert(
            "mailbox_checkpoints",
            ["mailbox", "folder"],
            ["uid_validity", "last_uid", "last_poll_at", "connected", "last_error", "backlog"],
            "mailbox", "folder", "uid_validity", "last_uid", "last_poll_at", "connected", "last_error", "backlog");
        return sql.ExecuteAsync(transaction, upsert, checkpoint, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<MailboxCheckpoint>> ListCheckpointsAsync(IStorageTransaction transaction, CancellationToken cancellationToken = default) =>
        sql.QueryAsync<MailboxCheckpoint>(transaction, $"SELECT {CheckpointColumns} FROM mailbox_checkpoints ORDER BY mailbox, folder", null, cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> TryAcquireLeaseAsync(IStorageTransaction transaction, string mailbox, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        await sql.ExecuteAsync(transaction, sql.Dialect.AcquireLeaseSql, new { Mailbox = mailbox, Owner = owner, Now = now, Until = until }, cancellationToken).ConfigureAwait(false) > 0;

    /// <inheritdoc/>
    public Task ReleaseLeaseAsync(IStorageTransaction transaction, string mailbox, string owner, CancellationToken cancellationToken = default) =>
        sql.ExecuteAsync(transaction, "DELETE FROM mailbox_leases WHERE mailbox = @Mailbox AND owner = @Owner", new { Mailbox = mailbox, Owner = owner }, cancellationToken);

    /// <inheritdoc/>
    public async Task<(string Owner, DateTimeOffset ExpiresAt)?> GetLeaseAsync(IStorageTransaction transaction, string mailbox, CancellationToken cancellationToken = default)
    {
        var rows = await sql.QueryAsync<LeaseRow>(transaction, "SELECT owner, expires_at FROM mailbox_leases WHERE mailbox = @Mailbox", new { Mailbox = mailbox }, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : (rows[0].Owner, rows[0].ExpiresAt);
    }

    private sealed record LeaseRow
    {
        public string Owner { get; init; } = string.Empty;

        public DateTimeOffset ExpiresAt { get; init; }
    }
}
