namespace TicketWorker.Storage;

/// <summary>The <see cref="ISettingsStore"/> over SQLite, PostgreSQL or SQL Server.</summary>
public sealed class SqlSettingsStore : ISettingsStore
{
    private readonly SqlRunner sql;

    /// <summary>Creates the store on a database.</summary>
    public SqlSettingsStore(StorageDatabase database)
    {
        sql = new SqlRunner(database);
    }

    /// <inheritdoc/>
    public Task<string?> GetAsync(IStorageTransaction transaction, string key, CancellationToken cancellationToken = default) =>
        sql.ScalarAsync<string?>(transaction, "SELECT value FROM settings WHERE name = @Name", new { Name = key }, cancellationToken);

    /// <inheritdoc/>
    public Task SetAsync(IStorageTransaction transaction, string key, string value, CancellationToken cancellationToken = default) =>
        sql.ExecuteAsync(transaction, sql.Dialect.Upsert("settings", ["name"], ["value"], "name", "value"), new { Name = key, Value = value }, cancellationToken);

    /// <inheritdoc/>
    public async Task<byte[]> GetReplyTokenKeyAsync(IStorageTransaction transaction, CancellationToken cancellationToken = default)
    {
        if (transaction is StorageTransaction { ReplyTokenKey: { } cached }) return cached;
        var value = await GetAsync(transaction, ISettingsStore.ReplyTokenKeyName, cancellationToken).ConfigureAwait(false)
            ?? throw new StorageException("The database has no reply-token key: run 'ticketworker migrate'.");
        var key = Convert.FromBase64String(value);
        if (transaction is StorageTransaction tx) tx.ReplyTokenKey = key;
        return key;
    }
}
