using System.Data.Common;

namespace TicketWorker.Storage;

/// <summary>
/// SQLite's checkpoint (copying the write-ahead log into the database file) on a connection of its
/// own, at most once per <see cref="Interval"/> and within that time after a commit, instead of inside
/// the commit of whichever connection grew the log past 1,000 pages (SQLite's <c>wal_autocheckpoint</c>,
/// turned off on our connections by <see cref="Dialects.SqliteDialect"/>). The intake batch writer
/// no longer copies the log on its own thread: that was ~3 s of a 10,000-message backlog's 30 s
/// (docs/performance.md). PASSIVE: it never waits for, nor blocks, a writer or a reader; what it cannot
/// copy yet is copied by the next one. A crash or an exit in the middle is safe (SQLite recovers the
/// log when the database is opened next).
/// </summary>
internal sealed class WalCheckpointer(StorageDatabase database)
{
    /// <summary>Commits within this time share one checkpoint. Wall-clock on purpose: a test's fake clock must not stop it.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private int pending;

    /// <summary>Checkpoints run so far (for tests and diagnostics).</summary>
    public int Runs => Volatile.Read(ref runs);

    private int runs;

    /// <summary>A write transaction committed: a checkpoint follows within <see cref="Interval"/>.</summary>
    public void Committed()
    {
        if (Interlocked.Exchange(ref pending, 1) == 1) return;
        _ = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        await Task.Delay(Interval, TimeProvider.System).ConfigureAwait(false);
        // Commits from here on ask for the next checkpoint.
        Volatile.Write(ref pending, 0);
        try
        {
            await using var connection = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            Interlocked.Increment(ref runs);
        }
        catch (Exception e) when (e is DbException or StorageException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The database is gone or busy (a test removed its folder, a migration holds it): the next commit asks again.
        }
    }
}
