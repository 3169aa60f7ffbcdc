using System.Diagnostics;
using TicketWorker.Mail.Reading;

namespace TicketWorker.Bench;

/// <summary>
/// Parse throughput (MB/s, messages/s) over the real-world corpus and over a generated synthetic
/// set, through the reading layer on MimeKit (a side per way of reading, measured in the same
/// run). Messages are held in memory so that only parsing is measured; each side parses once to
/// warm up, then is measured twice: structure only, and structure plus the record the stages read
/// (text body, HTML-to-text, addresses, headers, attachment sizes). The reading layer is also
/// measured from the files themselves, as intake reads them.
/// </summary>
internal sealed class ParseBenchmark : IBenchmark
{
    public string Name => "parse";

    public string Usage => "[--corpus DIR] [--count N (synthetic messages, default 10000)] [--passes N (default 3)]";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        string? corpus = null;
        var count = 10_000;
        var passes = 3;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--corpus" when i + 1 < args.Count: corpus = args[++i]; break;
                case "--count" when i + 1 < args.Count: count = int.Parse(args[++i]); break;
                case "--passes" when i + 1 < args.Count: passes = int.Parse(args[++i]); break;
                default:
                    Console.Error.WriteLine($"parse: unknown option {args[i]}; {Usage}");
                    return 2;
            }
        }
        corpus ??= FindCorpus();

        ParseSide[] sides =
        [
            new("reading layer (MimeKit)", ReadAsync),
        ];
        Console.WriteLine($"TicketWorker MIME parse benchmark ({Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC})");
        if (corpus is not null && Directory.Exists(corpus))
        {
            var messages = CorpusSet.Load(corpus);
            foreach (var side in sides) await MeasureAsync($"corpus {corpus}", side, messages, passes, cancellationToken);
            await MeasureFilesAsync(CorpusSet.Files(corpus), passes, cancellationToken);
        }
        else
        {
            Console.WriteLine("corpus: not found (use --corpus DIR or TICKETWORKER_CORPUS); skipped");
        }

        var watch = Stopwatch.StartNew();
        var synthetic = SyntheticSet.Generate(count, seed: 42);
        Console.WriteLine($"synthetic: generated {synthetic.Count:N0} messages in {watch.Elapsed.TotalSeconds:F1} s");
        foreach (var side in sides) await MeasureAsync("synthetic", side, synthetic, passes, cancellationToken);
        return 0;
    }

    /// <summary>The reading layer: MimeKit's persistent parse (repairs included) only, or the whole <see cref="ReadMessage"/>.</summary>
    private static async Task ReadAsync(byte[] raw, bool readModel, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(raw, writable: false);
        if (readModel) _ = await MessageReader.ReadAsync(stream, cancellationToken: cancellationToken);
        else await MessageReader.VisitAsync(stream, MessageReaderOptions.Default, (_, _, _, _, _) => Task.FromResult(0), cancellationToken);
    }

    /// <summary>The reading layer from the corpus files (persistent parse over a FileStream, as intake does; files in the page cache).</summary>
    private static async Task MeasureFilesAsync(IReadOnlyList<string> files, int passes, CancellationToken cancellationToken)
    {
        var bytes = files.Sum(f => new FileInfo(f).Length);
        Console.WriteLine($"reading layer (MimeKit) from files: {files.Count:N0} files, {bytes / 1048576.0:F1} MB");
        foreach (var f in files) _ = await MessageReader.ReadAsync(f, cancellationToken: cancellationToken);
        var best = TimeSpan.MaxValue;
        for (var pass = 0; pass < passes; pass++)
        {
            var watch = Stopwatch.StartNew();
            foreach (var f in files) _ = await MessageReader.ReadAsync(f, cancellationToken: cancellationToken);
            if (watch.Elapsed < best) best = watch.Elapsed;
        }
        Console.WriteLine($"  {"parse + model",-14} {bytes / 1048576.0 / best.TotalSeconds,8:F1} MB/s {files.Count / best.TotalSeconds,10:N0} msg/s   best of {passes}: {best.TotalSeconds:F2} s");
    }

    private static async Task MeasureAsync(string label, ParseSide side, IReadOnlyList<byte[]> messages, int passes, CancellationToken cancellationToken)
    {
        var bytes = messages.Sum(m => (long)m.Length);
        Console.WriteLine($"{side.Name}, {label}: {messages.Count:N0} messages, {bytes / 1048576.0:F1} MB");
        await ParseAllAsync(side, messages, readModel: true, cancellationToken); // warm-up (JIT, tiering, pools)
        foreach (var readModel in new[] { false, true })
        {
            var best = TimeSpan.MaxValue;
            long allocated = 0;
            for (var pass = 0; pass < passes; pass++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var watch = Stopwatch.StartNew();
                await ParseAllAsync(side, messages, readModel, cancellationToken);
                watch.Stop();
                allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                if (watch.Elapsed < best) best = watch.Elapsed;
            }
            var seconds = best.TotalSeconds;
            Console.WriteLine(
                $"  {(readModel ? "parse + model" : "parse only"),-14} {bytes / 1048576.0 / seconds,8:F1} MB/s {messages.Count / seconds,10:N0} msg/s" +
                $"   best of {passes}: {seconds:F2} s, {allocated / (double)bytes:F2} bytes allocated per input byte");
        }
    }

    private static async Task ParseAllAsync(ParseSide side, IReadOnlyList<byte[]> messages, bool readModel, CancellationToken cancellationToken)
    {
        foreach (var raw in messages) await side.ReadAsync(raw, readModel, cancellationToken);
    }

    internal static string? FindCorpus()
    {
        var configured = Environment.GetEnvironmentVariable("TICKETWORKER_CORPUS");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TicketWorker.sln"))) return dir.Parent is null ? null : Path.Combine(dir.Parent.FullName, "shared", "corpus");
        }
        return null;
    }
}
