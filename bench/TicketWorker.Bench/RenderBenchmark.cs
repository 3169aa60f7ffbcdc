using System.Diagnostics;
using TicketWorker.Replies;

namespace TicketWorker.Bench;

/// <summary>
/// Renders acknowledgements (subject, text and HTML, in English, Persian, Russian and Greek in turn)
/// from the templates folder and reports the time and managed allocation per reply: what the
/// templates add to each new ticket's transaction.
/// </summary>
internal sealed class RenderBenchmark : IBenchmark
{
    private static readonly string[] Languages = ["en", "fa", "ru", "el"];

    public string Name => "render";

    public string Usage => "[--replies N (per round, default 20000)] [--rounds R (default 5)] [--templates DIR]  ack rendering cost";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var replies = Option(args, "--replies") is { } n ? int.Parse(n) : 20_000;
        var rounds = Option(args, "--rounds") is { } r ? int.Parse(r) : 5;
        var directory = Option(args, "--templates") ?? FindTemplates();
        var watch = Stopwatch.StartNew();
        var renderer = TemplateRenderer.Load(directory);
        var loaded = watch.Elapsed;
        if (renderer.Problems.Count > 0)
        {
            foreach (var p in renderer.Problems) Console.Error.WriteLine(p);
            return Task.FromResult(1);
        }
        var model = SampleReplyModels.WithDueTime;
        for (var i = 0; i < 200; i++) renderer.Render(TemplateNames.Ack, Languages[i % Languages.Length], model); // warm-up (JIT)

        var perReply = new List<double>();
        long bytes = 0;
        for (var round = 0; round < rounds && !cancellationToken.IsCancellationRequested; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            watch.Restart();
            for (var i = 0; i < replies; i++) renderer.Render(TemplateNames.Ack, Languages[i % Languages.Length], model);
            perReply.Add(watch.Elapsed.TotalMicroseconds / replies);
            bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / replies;
        }
        perReply.Sort();
        Console.WriteLine($"render: {directory}, loaded and compiled in {loaded.TotalMilliseconds:F0} ms");
        Console.WriteLine($"  ack (en/fa/ru/el in turn), {rounds} rounds of {replies}: median {perReply[perReply.Count / 2]:F1} µs per reply " +
                          $"(min {perReply[0]:F1}, max {perReply[^1]:F1}), {bytes / 1024.0:F1} KB allocated per reply");
        return Task.FromResult(0);
    }

    private static string? Option(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i + 1 < args.Count; i++)
            if (args[i] == name) return args[i + 1];
        return null;
    }

    private static string FindTemplates()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "templates", "ack.en.liquid"))) return Path.Combine(dir.FullName, "templates");
        return Path.GetFullPath("templates");
    }
}
