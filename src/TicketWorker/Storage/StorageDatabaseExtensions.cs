namespace TicketWorker.Storage;

/// <summary>Conveniences over <see cref="StorageDatabase"/> for read-only work.</summary>
public static class StorageDatabaseExtensions
{
    /// <summary>Runs <paramref name="work"/> in a read-only unit of work (never blocks writers on SQLite).</summary>
    public static async Task<T> InReadAsync<T>(this StorageDatabase database, Func<IStorageTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var transaction = await database.BeginReadOnlyAsync(cancellationToken).ConfigureAwait(false);
        return await work(transaction).ConfigureAwait(false);
    }
}
