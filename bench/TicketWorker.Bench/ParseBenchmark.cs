using System.Diagnostics;
using TicketWorker.Mail.Mime;

namespace TicketWorker.Bench;

/// <summary>
/// MIME parse throughput (MB/s, messages/s) over the real-world corpus and over a generated
/// synthetic set. Messages are held in memory so that only parsing is measured; each set is
/// parsed once to warm up, then measured twice: structure only, and structure plus the model a
/// consumer reads (text body, HTML-to-text, addresses, attachment sizes).
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

        Console.WriteLine($"TicketWorker MIME parse benchmark ({Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC})");
        if (corpus is not null && Directory.Exists(corpus))
        {
            var messages = CorpusSet.Load(corpus);
            await MeasureAsync($"corpus {corpus}", messages, passes, cancellationToken);
        }
        else
        {
            Console.WriteLine("corpus: not found (use --corpus DIR or TICKETWORKER_CORPUS); skipped");
        }

        var watch = Stopwatch.StartNew();
        var synthetic = SyntheticSet.Generate(count, seed: 42);
        Console.WriteLine($"synthetic: generated {synthetic.Count:N0} messages in {watch.Elapsed.TotalSeconds:F1} s");
        await MeasureAsync("synthetic", synthetic, passes, cancellationToken);
        return 0;
    }

    private static async Task MeasureAsync(string label, IReadOnlyList<byte[]> messages, int passes, CancellationToken cancellationToken)
    {
        var bytes = messages.Sum(m => (long)m.Length);
        Console.WriteLine($"{label}: {messages.Count:N0} messages, {bytes / 1048576.0:F1} MB");
        await ParseAllAsync(messages, readModel: true, cancellationToken); // warm-up (JIT, tiering, pools)
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
                await ParseAllAsync(messages, readModel, cancellationToken);
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

    private static async Task ParseAllAsync(IReadOnlyList<byte[]> messages, bool readModel, CancellationToken cancellationToken)
    {
        foreach (var raw in messages)
        {
            using var stream = new MemoryStream(raw, writable: false);
            using var message = await MimeMessage.ParseAsync(stream, cancellationToken: cancellationToken);
            if (!readModel) continue;
            _ = (message.From, message.To, message.Subject, message.Date, message.MessageId, message.References);
            _ = message.TextBody;
            foreach (var attachment in message.Attachments) _ = (attachment.FileName, attachment.Size);
        }
    }

    private static string? FindCorpus()
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
