namespace TicketWorker.Storage;

/// <summary>The <see cref="IIgnoredMessageStore"/> over SQLite, PostgreSQL or SQL Server.</summary>
public sealed class SqlIgnoredMessageStore : IIgnoredMessageStore
{
    private static readonly string[] InsertColumns = ["message_id", "kind", "reason", "raw_reference", "raw_size", "mailbox", "uid", "received_at"];
    private const string Columns = "id, message_id, kind, reason, raw_reference, raw_size, mailbox, uid, received_at";

    private readonly SqlRunner sql;

    /// <summary>Creates the store on a database.</summary>
    public SqlIgnoredMessageStore(StorageDatabase database)
    {
        sql = new SqlRunner(database);
    }

    /// <inheritdoc/>
    public async Task<bool> AddAsync(IStorageTransaction transaction, IgnoredMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var id = await sql.ScalarAsync<long?>(
            transaction,
            sql.Statement("insert-ignored", static d => d.InsertIfAbsent("ignored_messages", "message_id", InsertColumns)),
            new { message.MessageId, message.Kind, message.Reason, message.RawReference, message.RawSize, message.Mailbox, message.Uid, message.ReceivedAt },
            cancellationToken).ConfigureAwait(false);
        return id is not null;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<IgnoredMessage>> ListAsync(IStorageTransaction transaction, int limit, CancellationToken cancellationToken = default) =>
        sql.QueryAsync<IgnoredMessage>(
            transaction,
            $"SELECT {sql.Dialect.Top(limit)} {Columns} FROM ignored_messages ORDER BY id DESC {sql.Dialect.Limit(limit)}",
            null,
            cancellationToken);
}
