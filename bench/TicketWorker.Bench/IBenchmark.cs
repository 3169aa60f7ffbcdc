namespace TicketWorker.Bench;

/// <summary>One benchmark, run as a sub-command of the bench app (e.g. "parse").</summary>
internal interface IBenchmark
{
    /// <summary>The sub-command name.</summary>
    string Name { get; }

    /// <summary>One line for the usage text, including the options.</summary>
    string Usage { get; }

    /// <summary>Runs the benchmark and writes its figures to standard output; returns the exit code.</summary>
    Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken);
}
