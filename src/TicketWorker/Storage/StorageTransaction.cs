using System.Data.Common;

namespace TicketWorker.Storage;

/// <summary>A provider transaction on its own connection; disposing disposes both.</summary>
internal sealed class StorageTransaction : IStorageTransaction
{
    private bool completed;

    public StorageTransaction(StorageDatabase database, DbConnection connection, DbTransaction transaction)
    {
        Database = database;
        Connection = connection;
        Transaction = transaction;
    }

    public StorageDatabase Database { get; }

    public DbConnection Connection { get; }

    public DbTransaction Transaction { get; }

    private SqliteCommandCache? sqliteCommands;

    /// <summary>The prepared commands of this transaction on SQLite (null on the other providers).</summary>
    internal SqliteCommandCache? SqliteCommands =>
        sqliteCommands ??= Connection is Microsoft.Data.Sqlite.SqliteConnection sqlite
            ? new SqliteCommandCache(sqlite, (Microsoft.Data.Sqlite.SqliteTransaction)Transaction, Database.CommandTimeoutSeconds)
            : null;

    /// <summary>The reply-token key once read in this transaction (it never changes after the migration made it): read once per batch, not once per message and stage.</summary>
    internal byte[]? ReplyTokenKey { get; set; }

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(completed, this);
        await Transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        completed = true;
    }

    public async Task RollbackAsync(CancellationToken cancellationToken = default)
    {
        if (completed)
        {
            return;
        }

        completed = true;
        await Transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!completed)
            {
                completed = true;

                // A broken connection cannot roll back; closing it discards the transaction anyway.
                try
                {
                    await Transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (DbException)
                {
                }
                catch (InvalidOperationException)
                {
                }
            }
        }
        finally
        {
            sqliteCommands?.Dispose();
            await Transaction.DisposeAsync().ConfigureAwait(false);
            await Connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
