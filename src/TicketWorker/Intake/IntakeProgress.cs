namespace TicketWorker.Intake;

/// <summary>How far a catch-up of one mailbox got: <paramref name="Done"/> of <paramref name="Total"/> messages found waiting.</summary>
public readonly record struct IntakeProgress(string Mailbox, long Done, long Total)
{
    private static readonly AsyncLocal<IProgress<IntakeProgress>?> Current = new();

    /// <summary>
    /// Sends the intake's progress reports made inside this async flow (the worker started after this
    /// call, its hosted services included) to <paramref name="observer"/> until disposed. Ambient
    /// rather than injected so the intake stays free of a dependency only a terminal needs; tests and
    /// parallel hosts each see only their own flow.
    /// </summary>
    public static IDisposable Observe(IProgress<IntakeProgress> observer)
    {
        var previous = Current.Value;
        Current.Value = observer;
        return new Restore(previous);
    }

    /// <summary>Called by the intake after each message of a catch-up; nothing happens when nobody observes.</summary>
    public static void Report(string mailbox, long done, long total) => Current.Value?.Report(new IntakeProgress(mailbox, done, total));

    private sealed class Restore(IProgress<IntakeProgress>? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
