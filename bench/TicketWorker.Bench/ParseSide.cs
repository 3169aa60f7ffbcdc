namespace TicketWorker.Bench;

/// <summary>One way of reading a message, measured by <see cref="ParseBenchmark"/>: parse only, or parse and read what the stages use.</summary>
internal sealed record ParseSide(string Name, Func<byte[], bool, CancellationToken, Task> ReadAsync);
