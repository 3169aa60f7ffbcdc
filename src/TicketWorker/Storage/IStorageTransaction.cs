namespace TicketWorker.Storage;

/// <summary>
/// One unit of work on one connection. Every store method takes it; nothing is visible to other
/// workers until <see cref="CommitAsync"/>. Disposing without committing rolls back.
/// </summary>
public interface IStorageTransaction : IAsyncDisposable
{
    /// <summary>Makes every change of this unit of work durable.</summary>
    Task CommitAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends the writes this unit of work still holds back. On PostgreSQL a write whose result nobody reads
    /// (<c>SqlRunner.WriteAsync</c>) goes with the next statement, in one round trip; an error of such a write
    /// surfaces at that statement, here, or at <see cref="CommitAsync"/>. Elsewhere a no-op.
    /// </summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Discards every change of this unit of work.</summary>
    Task RollbackAsync(CancellationToken cancellationToken = default);
}
