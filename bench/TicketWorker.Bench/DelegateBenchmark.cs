namespace TicketWorker.Bench;

/// <summary>A benchmark whose body is a static method (for benchmarks written as a plain entry point).</summary>
internal sealed class DelegateBenchmark(string name, string usage, Func<string[], Task<int>> run) : IBenchmark
{
    public string Name => name;
    public string Usage => usage;
    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken) => run(args.ToArray());
}
