namespace TicketWorker.Intake;

/// <summary>
/// Prepares the items of a batch in order on a few workers while one consumer takes them in the same order:
/// a sliding window, at most <c>window</c> items claimed by the workers and not yet given back by the consumer
/// (<see cref="Done"/>), so the prepared items held in memory stay bounded. Unlike parsing a fixed chunk
/// ahead and then waiting for the consumer, a worker starts the next item as soon as there is room: neither
/// side waits for the slowest item of a chunk (intake, 2026-12-04: two cores ~139 % busy with chunks). The workers
/// run on <see cref="ParseThreads"/>, below the consumer's priority. Items named <c>early</c> (intake: the largest
/// messages) are prepared from the start by a worker of their own, outside the window, so that the consumer does not wait
/// for a long parse when it gets there: in the window a worker starts an item only a few items before the consumer needs it.
/// </summary>
internal sealed class ParseAhead<T> : IAsyncDisposable
{
    private readonly Func<int, CancellationToken, Task<T>> prepare;
    private readonly TaskCompletionSource<T>?[] results;
    private readonly CancellationTokenSource stop;
    private readonly CancellationTokenRegistration wakeOnStop;

    // Room in the window: items the workers may still claim. A worker waits for it blocked, never spinning (SemaphoreSlim
    // spins and yields first: on two cores that took ~3 % of a backlog's CPU samples from the writer and the JIT).
    private readonly object gate = new();
    private int room;
    private readonly Task[] workers;
    private int claimed = -1;

    // Items prepared by the early worker; a window worker that claims one leaves it (the room it took is given back
    // with the item, by Done).
    private readonly bool[]? early;

    /// <param name="count">Items, prepared as 0 … count-1.</param>
    /// <param name="workers">Items prepared at once.</param>
    /// <param name="window">Items claimed and not yet given back, at most.</param>
    /// <param name="prepare">Prepares item i; its exception is the one <see cref="TakeAsync"/> throws for i.</param>
    /// <param name="cancellationToken">Stops the workers (as does disposing).</param>
    /// <param name="early">Items prepared at once, in this order, by one more worker, whatever the window (few, and large).</param>
    public ParseAhead(int count, int workers, int window, Func<int, CancellationToken, Task<T>> prepare, CancellationToken cancellationToken,
        IReadOnlyList<int>? early = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        this.prepare = prepare;
        results = new TaskCompletionSource<T>[count];
        for (var i = 0; i < count; i++) results[i] = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        room = window;
        stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wakeOnStop = stop.Token.Register(WakeAll);
        var inWindow = Math.Min(workers, count);
        var first = early?.Where(i => i >= 0 && i < count).Distinct().ToList() ?? [];
        this.workers = new Task[inWindow + (first.Count > 0 ? 1 : 0)];
        if (first.Count > 0)
        {
            this.early = new bool[count];
            foreach (var i in first) this.early[i] = true;
            this.workers[inWindow] = ParseThreads.Run(() => WorkEarly(first));
        }
        for (var w = 0; w < inWindow; w++) this.workers[w] = ParseThreads.Run(Work);
    }

    /// <summary>Item <paramref name="index"/> once prepared (or its exception). Every item taken is given back with <see cref="Done"/>.</summary>
    public Task<T> TakeAsync(int index) =>
        (results[index] ?? throw new InvalidOperationException($"item {index} was given back already")).Task;

    /// <summary>The consumer is done with item <paramref name="index"/>: it is let go, and a worker may claim one more.</summary>
    public void Done(int index)
    {
        results[index] = null;
        lock (gate)
        {
            room++;
            Monitor.Pulse(gate);
        }
    }

    /// <summary>Takes room for one item, blocking until there is some; false once stopped.</summary>
    private bool WaitForRoom()
    {
        lock (gate)
        {
            while (room == 0 && !stop.IsCancellationRequested) Monitor.Wait(gate);
            if (stop.IsCancellationRequested) return false;
            room--;
            return true;
        }
    }

    private void WakeAll()
    {
        lock (gate) Monitor.PulseAll(gate);
    }

    // On a parse thread, where blocking is how to wait: prepare runs there to its end (its awaits complete at once, as
    // the raw bytes are read from a local file; one that does not only blocks this thread).
    private void Work()
    {
        while (true)
        {
            if (!WaitForRoom()) return;
            var index = Interlocked.Increment(ref claimed);
            if (index >= results.Length) return;
            if (early?[index] == true) continue;
            if (!Prepare(index)) return;
        }
    }

    private void WorkEarly(List<int> items)
    {
        foreach (var index in items)
        {
            if (stop.IsCancellationRequested || !Prepare(index)) return;
        }
    }

    /// <summary>Prepares item <paramref name="index"/> into its result; false once stopped.</summary>
    private bool Prepare(int index)
    {
        try
        {
            results[index]!.TrySetResult(prepare(index, stop.Token).GetAwaiter().GetResult());
        }
        catch (OperationCanceledException e) when (stop.IsCancellationRequested)
        {
            results[index]!.TrySetCanceled(e.CancellationToken);
            return false;
        }
        catch (Exception e)
        {
            results[index]!.TrySetException(e);
        }
        return true;
    }

    /// <summary>Stops the workers and waits for the items they are preparing (nothing runs past the batch).</summary>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(workers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var result in results)
        {
            if (result is null) continue;
            // Items never reached are canceled; failures nobody took are observed here, not by the finalizer.
            result.TrySetCanceled();
            _ = result.Task.Exception;
        }
        await wakeOnStop.DisposeAsync().ConfigureAwait(false);
        stop.Dispose();
    }
}
