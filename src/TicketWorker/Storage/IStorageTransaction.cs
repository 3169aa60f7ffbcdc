namespace TicketWorker.Storage;

/// <summary>
/// One unit of work on one connection. Every store method takes it; nothing is visible to other
/// workers until <see cref="CommitAsync"/>. Disposing without committing rolls back.
/// </summary>
public interface IStorageTransaction : IAsyncDisposable
{
    /// <summary>Makes every change of this unit of work durable.</summary>
    Task CommitAsync(CancellationToken cancellationToken = default);

    /// <summary>Discards every change of this unit of work.</summary>
    Task RollbackAsync(CancellationToken cancellationToken = default);
}
