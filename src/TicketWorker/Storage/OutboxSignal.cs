namespace TicketWorker.Storage;

/// <summary>
/// Says "outbox rows were just committed" so the sender goes at once instead of at its next poll:
/// an acknowledgement then leaves within milliseconds of the intake commit. The poll stays the
/// fallback (other workers' rows, retries), so a missed signal only costs the poll interval.
/// </summary>
public sealed class OutboxSignal
{
    // At most one pending wake-up: a notify while the sender works makes it go once more, not once per notify.
    private readonly SemaphoreSlim pending = new(0, 1);

    /// <summary>Wakes the sender (call after the commit that queued rows).</summary>
    public void Notify()
    {
        try
        {
            if (pending.CurrentCount == 0) pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already pending.
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> (on <paramref name="time"/>) or until <see cref="Notify"/>, whichever is first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var woken = pending.WaitAsync(done.Token);
        var elapsed = Task.Delay(timeout, time, done.Token);
        await Task.WhenAny(woken, elapsed).ConfigureAwait(false);
        await done.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
