using TicketWorker.Bench;

// Benchmarks are sub-commands: `dotnet run --project bench/TicketWorker.Bench -c Release -- <name> [options]`.
return args.FirstOrDefault() switch
{
    "imap-fetch" => await ImapFetchBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: TicketWorker.Bench imap-fetch [--messages N] [--rounds R] [--python PATH] [--port P]");
    return 2;
}
