namespace TicketWorker.Intake;

/// <summary>
/// The threads intake parses on (<see cref="ParseAhead{T}"/>): long-lived, and scheduled below the rest of the worker
/// (nice 10 on Linux). The batch writer is intake's serial part and the parsers have slack (they wait for room in the
/// window more than half of the time), so when both want one of the two cores the writer gets it. Measured on the
/// 10,000-message backlog, alternated with the parse loops on the thread pool (docs/performance.md, 2026-12-04):
/// peak RSS 178–187 MB against 191–194 MB in 4 pairs, the same speed within this machine's noise (the writer's own
/// time −10 %, its waits for parsed messages +0.3 s). A thread is started whenever none is idle, so two mailboxes parsing at once
/// never wait for each other; one idle for a minute ends.
/// </summary>
internal static class ParseThreads
{
    private const int Niceness = 10;
    private static readonly TimeSpan IdleLife = TimeSpan.FromMinutes(1);
    private static readonly Lock Gate = new();
    private static readonly List<Worker> Idle = [];

    [ThreadStatic]
    private static bool onParseThread;

    /// <summary>Whether the calling thread is a parse thread.</summary>
    public static bool IsCurrent => onParseThread;

    /// <summary>Runs <paramref name="work"/> on a parse thread; the task ends when it returns, or with what it threw.</summary>
    public static Task Run(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        Worker? worker = null;
        lock (Gate)
        {
            if (Idle.Count > 0)
            {
                worker = Idle[^1];
                Idle.RemoveAt(Idle.Count - 1);
            }
        }
        return (worker ?? Worker.Start()).Give(work);
    }

    private sealed class Worker
    {
        private readonly SemaphoreSlim signal = new(0);
        private Action? work;
        private TaskCompletionSource? done;

        public static Worker Start()
        {
            var worker = new Worker();
            new Thread(worker.Loop) { IsBackground = true, Name = "intake parse" }.Start();
            return worker;
        }

        public Task Give(Action next)
        {
            var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (work, done) = (next, completion);
            signal.Release();
            return completion.Task;
        }

        private void Loop()
        {
            onParseThread = true;
            Hosting.ThreadNice.Set(Niceness);
            while (true)
            {
                if (!signal.Wait(IdleLife))
                {
                    lock (Gate)
                    {
                        // Taken from the idle list meanwhile: its work is on the way.
                        if (!Idle.Remove(this)) continue;
                    }
                    signal.Dispose();
                    return;
                }
                var (next, completion) = (work!, done!);
                (work, done) = (null, null);
                try
                {
                    next();
                    completion.TrySetResult();
                }
                catch (Exception e)
                {
                    completion.TrySetException(e);
                }
                lock (Gate) Idle.Add(this);
            }
        }
    }
}
