using TicketWorker.Bench;

// Console benchmarks, one sub-command per file implementing IBenchmark:
//   dotnet run -c Release --project bench/TicketWorker.Bench -- <benchmark> [options]
IBenchmark[] benchmarks =
[
    new ParseBenchmark(),
    new QuotesBenchmark(),
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
return await benchmark.RunAsync(args[1..], cancel.Token);
