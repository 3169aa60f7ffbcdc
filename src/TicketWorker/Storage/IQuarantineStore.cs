namespace TicketWorker.Storage;

/// <summary>Messages that could not be processed, kept with their raw bytes and a reason.</summary>
public interface IQuarantineStore
{
    /// <summary>Adds an item; Id, retry fields and Resolved of the argument are ignored. Returns the new id.</summary>
    Task<long> AddAsync(IStorageTransaction transaction, QuarantineItem item, CancellationToken cancellationToken = default);

    /// <summary>Items oldest first; resolved ones only when <paramref name="includeResolved"/>.</summary>
    Task<IReadOnlyList<QuarantineItem>> ListAsync(IStorageTransaction transaction, bool includeResolved, CancellationToken cancellationToken = default);

    /// <summary>The item with this id.</summary>
    Task<QuarantineItem?> GetAsync(IStorageTransaction transaction, long id, CancellationToken cancellationToken = default);

    /// <summary>The newest unresolved item holding these raw bytes (so a re-fetched message is not quarantined twice).</summary>
    Task<QuarantineItem?> FindUnresolvedByRawReferenceAsync(IStorageTransaction transaction, string rawReference, CancellationToken cancellationToken = default);

    /// <summary>Records a retry: RetriedAt, RetryCount + 1, Resolved when it succeeded, and the new reason when it failed again.</summary>
    Task MarkRetriedAsync(IStorageTransaction transaction, long id, DateTimeOffset at, bool resolved, string? reason, CancellationToken cancellationToken = default);

    /// <summary>How many unresolved items there are.</summary>
    Task<int> CountAsync(IStorageTransaction transaction, CancellationToken cancellationToken = default);

    /// <summary>How many items, resolved or not, were quarantined after <paramref name="since"/> (counted by the database).</summary>
    Task<int> CountQuarantinedAfterAsync(IStorageTransaction transaction, DateTimeOffset since, CancellationToken cancellationToken = default);
}
