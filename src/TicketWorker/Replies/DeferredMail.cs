namespace TicketWorker.Replies;

/// <summary>
/// The automatic mail of one intake batch (acknowledgements, notifications), rendered and MIME-encoded
/// on the thread pool while the batch writer goes on with the next message, then stored (outbox row,
/// message row) by the writer, in the order it was asked for, inside the batch's transaction and before
/// its commit (<see cref="StoreAllAsync"/>). The work handed over touches no database and only immutable
/// inputs; what is stored, and when in the transaction, is what the writer would have stored itself.
/// At most <see cref="MaxPending"/> mails wait at once (memory stays bounded: mails with attachments are
/// never deferred). A failure while composing is rethrown at store time as <see cref="DeferredMailException"/>
/// naming the message that asked for the mail, so the batch blames that message and not a later one.
/// </summary>
public sealed class DeferredMail : IAsyncDisposable
{
    /// <summary>Mails composed ahead of the writer at most; the writer waits for the oldest beyond that.</summary>
    public const int MaxPending = 8;

    private readonly Queue<Entry> pending = new();

    private sealed record Entry(object? Owner, Task Composed, Func<CancellationToken, Task> Store);

    /// <summary>Names the message being written (its place in the batch): a composing failure of the mails it asks for is blamed on it.</summary>
    public object? Owner { get; set; }

    /// <summary>Mails asked for and not stored yet.</summary>
    public int Pending => pending.Count;

    /// <summary>
    /// Starts <paramref name="compose"/> on the thread pool; <paramref name="store"/> runs later on the
    /// writer's side with its result. Stores the mails that are ready meanwhile, and waits for the oldest
    /// when more than <see cref="MaxPending"/> are outstanding.
    /// </summary>
    public Task AddAsync<T>(Func<Task<T>> compose, Func<T, CancellationToken, Task> store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(compose);
        ArgumentNullException.ThrowIfNull(store);
        var composed = Task.Run(compose, cancellationToken);
        pending.Enqueue(new Entry(Owner, composed, ct => store(composed.Result, ct)));
        return StoreReadyAsync(cancellationToken);
    }

    /// <summary>Stores the oldest mails that are composed (in order), and waits while too many are outstanding.</summary>
    public async Task StoreReadyAsync(CancellationToken cancellationToken)
    {
        while (pending.TryPeek(out var head) && (head.Composed.IsCompleted || pending.Count > MaxPending))
            await StoreHeadAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores every mail asked for; call before the batch's commit.</summary>
    public async Task StoreAllAsync(CancellationToken cancellationToken)
    {
        while (pending.Count > 0)
            await StoreHeadAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task StoreHeadAsync(CancellationToken cancellationToken)
    {
        var head = pending.Dequeue();
        try
        {
            await head.Composed.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new DeferredMailException(head.Owner, e);
        }

        await head.Store(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A batch that is rolled back lets its outstanding mails finish (nothing of them is stored).</summary>
    public async ValueTask DisposeAsync()
    {
        while (pending.TryDequeue(out var entry))
        {
            try
            {
                await entry.Composed.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The batch is discarded: its mail with it.
            }
        }
    }
}

/// <summary>Composing a deferred mail failed; <see cref="Owner"/> is the message that asked for it.</summary>
public sealed class DeferredMailException(object? owner, Exception inner)
    : Exception($"composing a mail failed: {inner.GetType().Name}: {inner.Message}", inner)
{
    public object? Owner { get; } = owner;
}
