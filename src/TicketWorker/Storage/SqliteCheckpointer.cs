namespace TicketWorker.Storage;

/// <summary>
/// Copies SQLite's write-ahead log into the database file on a connection of its own, so that the thread that
/// committed a large transaction (an intake batch: ~10 MB of WAL per 500 messages) does not. By default SQLite
/// does that copy and its fsync inside the commit once the log passes 1,000 pages, which was half of the batch
/// commit's ~40 ms, with the parsers idle meanwhile. A PASSIVE checkpoint runs beside the next write transaction
/// (it never takes the write lock) and copies what is committed.
/// Connections keep an automatic checkpoint as a safety net, at <see cref="AutoCheckpointPages"/>.
/// </summary>
internal sealed class SqliteCheckpointer(StorageDatabase database)
{
    /// <summary>
    /// Pages in the log after which a commit still checkpoints by itself (64 MB of 4 KB pages): above what one batch
    /// writes, so normally only this class checkpoints; and a bound on the log if it does not run.
    /// </summary>
    public const int AutoCheckpointPages = 16384;

    private readonly Lock gate = new();
    private Task running = Task.CompletedTask;
    private bool active;
    private bool again;

    /// <summary>Checkpoints soon, in the background; requests while one runs are one more run after it.</summary>
    public void Request()
    {
        lock (gate)
        {
            if (active)
            {
                again = true;
                return;
            }
            active = true;
            running = Task.Run(RunAsync);
        }
    }

    /// <summary>Completes when no checkpoint runs or is asked for.</summary>
    public async Task IdleAsync()
    {
        while (true)
        {
            Task current;
            lock (gate)
            {
                if (!active) return;
                current = running;
            }
            await current.ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        while (true)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
                await using var command = connection.CreateCommand();
                // PASSIVE: copies what no reader still needs, waits for no one; the rest goes with the next run.
                command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is StorageException or System.Data.Common.DbException or IOException or InvalidOperationException)
            {
                // Nothing is lost by a checkpoint not done (busy, the database gone at shutdown): the log stays the
                // committed copy, and a commit checkpoints by itself past AutoCheckpointPages.
            }
            lock (gate)
            {
                if (!again)
                {
                    active = false;
                    return;
                }
                again = false;
            }
        }
    }
}
