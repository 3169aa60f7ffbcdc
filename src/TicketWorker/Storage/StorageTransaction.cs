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

    private Npgsql.NpgsqlBatch? heldBack;

    /// <summary>Whether writes whose result nobody reads are held back and sent with the next statement (PostgreSQL: one round trip for several).</summary>
    internal bool HoldsBackWrites => Connection is Npgsql.NpgsqlConnection;

    /// <summary>Whether writes are held back, not yet sent.</summary>
    internal bool HasHeldBack => heldBack is { BatchCommands.Count: > 0 };

    /// <summary>Holds back a write until the next statement or <see cref="FlushAsync"/>.</summary>
    internal void HoldBack(Npgsql.NpgsqlBatchCommand command) =>
        (heldBack ??= new Npgsql.NpgsqlBatch((Npgsql.NpgsqlConnection)Connection, (Npgsql.NpgsqlTransaction)Transaction) { Timeout = Database.CommandTimeoutSeconds })
            .BatchCommands.Add(command);

    /// <summary>The held-back writes followed by <paramref name="last"/>, as one batch to execute (the transaction holds nothing back afterwards).</summary>
    internal Npgsql.NpgsqlBatch TakeHeldBack(Npgsql.NpgsqlBatchCommand last)
    {
        var batch = heldBack!;
        heldBack = null;
        batch.BatchCommands.Add(last);
        return batch;
    }

    /// <inheritdoc/>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (heldBack is not { } batch) return;
        heldBack = null;
        await using (batch.ConfigureAwait(false))
        {
            if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The ticket number this transaction last took from the counter row. The row stays locked by the transaction
    /// until it ends, so the next number is this one plus one, written back without reading it again.
    /// </summary>
    internal long? LastTicketNumber { get; set; }

    /// <summary>The reply-token key once read in this transaction (it never changes after the migration made it): read once per batch, not once per message and stage.</summary>
    internal byte[]? ReplyTokenKey { get; set; }

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(completed, this);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
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
        await DiscardHeldBackAsync().ConfigureAwait(false);
        await Transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask DiscardHeldBackAsync()
    {
        if (heldBack is { } batch)
        {
            heldBack = null;
            await batch.DisposeAsync().ConfigureAwait(false);
        }
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
            await DiscardHeldBackAsync().ConfigureAwait(false);
            sqliteCommands?.Dispose();
            await Transaction.DisposeAsync().ConfigureAwait(false);
            await Connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
