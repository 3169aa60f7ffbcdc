using TicketWorker.Bench;

// Console benchmarks, one sub-command per file implementing IBenchmark:
//   dotnet run -c Release --project bench/TicketWorker.Bench -- <benchmark> [options]
IBenchmark[] benchmarks =
[
    new ParseBenchmark(),
    new QuotesBenchmark(),
    new FloorBenchmark(),
    new LargeMessageBenchmark(),
    new IngestBacklogBenchmark(),
    new IngestRunBenchmark(),
    new LatencyBenchmark(),
    new RenderBenchmark(),
    new BusinessDaysBenchmark(),
    new NotifyBenchmark(),
    new AgentVerifyBenchmark(),
    new EscalationScanBenchmark(),
    new DelegateBenchmark("imap-fetch", "[--messages N] [--rounds R] [--python PATH] [--port P]  UID FETCH rate: ours vs imaplib vs raw socket", ImapFetchBenchmark.RunAsync),
];

if (args.Length == 0 || benchmarks.FirstOrDefault(b => b.Name == args[0]) is not { } benchmark)
{
    Console.Error.WriteLine("usage: TicketWorker.Bench <benchmark> [options]");
    foreach (var b in benchmarks) Console.Error.WriteLine($"  {b.Name,-12} {b.Usage}");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
try
{
    return await benchmark.RunAsync(args[1..], cancel.Token);
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine($"{benchmark.Name}: cancelled");
    return 130;
}
catch (Exception e) when (Environment.GetEnvironmentVariable("TICKETWORKER_BENCH_TRACE") is null)
{
    // A service not up, a child that failed: one line, not a runtime abort with a stack trace.
    const string Trace = "(TICKETWORKER_BENCH_TRACE=1 shows where)";
    var message = string.Join(' ', e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Replace(" " + Trace, "", StringComparison.Ordinal);
    Console.Error.WriteLine($"{benchmark.Name}: {e.GetType().Name}: {message} {Trace}");
    return 1;
}
