using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using TicketWorker.Mail.Quotes;
using TicketWorker.Mail.Reading;

namespace TicketWorker.Bench;

/// <summary>
/// New-text extraction (<see cref="ReplyText"/>: the HTML and text quote heuristics), which intake's
/// parse stage runs on every message: messages/s over the real-world corpus and over the intake
/// backlog set, read once beforehand so that only the extraction is timed. Prints a checksum of all
/// extracted texts and flags, so two builds can be compared for identical output as well as speed.
/// </summary>
internal sealed class QuotesBenchmark : IBenchmark
{
    public string Name => "quotes";

    public string Usage => "[--corpus DIR] [--messages N (backlog messages, default 5000)] [--passes N (default 3)]";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var count = Options.Int(args, "--messages", 5_000);
        var passes = Options.Int(args, "--passes", 3);
        var corpus = Options.Find(args, "--corpus") ?? ParseBenchmark.FindCorpus();
        Console.WriteLine($"TicketWorker new-text extraction benchmark ({Environment.ProcessorCount} cores, .NET {Environment.Version})");
        if (corpus is not null && Directory.Exists(corpus))
            Measure($"corpus {corpus}", await ReadAllAsync(CorpusSet.Load(corpus), cancellationToken), passes);
        else
            Console.WriteLine("corpus: not found (use --corpus DIR or TICKETWORKER_CORPUS); skipped");
        Measure("intake backlog set", await ReadAllAsync(Enumerable.Range(0, count).Select(BacklogSet.Message).ToList(), cancellationToken), passes);
        return 0;
    }

    private static async Task<List<(string? Text, string? Html)>> ReadAllAsync(IReadOnlyList<byte[]> raws, CancellationToken cancellationToken)
    {
        var bodies = new List<(string?, string?)>(raws.Count);
        foreach (var raw in raws)
        {
            using var stream = new MemoryStream(raw, writable: false);
            var message = await MessageReader.ReadAsync(stream, cancellationToken: cancellationToken);
            bodies.Add((message.TextBody, message.HtmlBody));
        }
        return bodies;
    }

    private static void Measure(string label, IReadOnlyList<(string? Text, string? Html)> bodies, int passes)
    {
        var chars = bodies.Sum(b => (long)(b.Text?.Length ?? 0) + (b.Html?.Length ?? 0));
        var withHtml = bodies.Count(b => !string.IsNullOrWhiteSpace(b.Html));
        Console.WriteLine($"{label}: {bodies.Count:N0} messages ({withHtml:N0} with HTML), {chars / 1048576.0:F1} M chars of text and HTML");
        var checksum = Checksum(bodies); // also the warm-up
        var best = TimeSpan.MaxValue;
        var allocated = 0L;
        for (var pass = 0; pass < passes; pass++)
        {
            GC.Collect();
            var before = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            foreach (var (text, html) in bodies) _ = ReplyText.Extract(text, html);
            if (watch.Elapsed < best) best = watch.Elapsed;
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        foreach (var (part, subset) in new[] { ("with HTML", bodies.Where(b => !string.IsNullOrWhiteSpace(b.Html)).ToList()), ("text only", bodies.Where(b => string.IsNullOrWhiteSpace(b.Html)).ToList()) })
        {
            var start = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            foreach (var (text, html) in subset) _ = ReplyText.Extract(text, html);
            var bytes = GC.GetAllocatedBytesForCurrentThread() - start;
            Console.WriteLine($"    {part}: {subset.Count:N0} messages, {subset.Sum(b => (b.Text?.Length ?? 0) + (b.Html?.Length ?? 0)) / 1048576.0:F1} M chars, {clock.Elapsed.TotalMilliseconds * 1000 / Math.Max(1, subset.Count):F1} µs/msg, allocated {bytes / 1048576.0:F0} MB");
        }
        // Allocated: what a pass puts on the managed heap (the GC's pauses stop intake's writer; docs/performance.md).
        Console.WriteLine($"  {bodies.Count / best.TotalSeconds,10:N0} msg/s  {best.TotalMilliseconds * 1000 / bodies.Count,8:F1} µs/msg   best of {passes}: {best.TotalSeconds:F2} s   allocated {allocated / 1048576.0:F0} MB ({allocated / bodies.Count / 1024.0:F1} KB/msg)   output checksum {checksum}");
    }

    private static string Checksum(IReadOnlyList<(string? Text, string? Html)> bodies)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (text, html) in bodies)
        {
            var reply = ReplyText.Extract(text, html);
            hash.AppendData(Encoding.UTF8.GetBytes($"{reply.NewText}\u0000{reply.HasQuote}{reply.HasSignature}\u0001"));
        }
        return Convert.ToHexString(hash.GetHashAndReset())[..16];
    }
}
