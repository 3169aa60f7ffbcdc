using System.Diagnostics;
using System.Text;
using TicketWorker.Mail.Reading;

namespace TicketWorker.Bench;

/// <summary>
/// Reads one message with a large base64 attachment (default 50 MB) from a temporary file and
/// reports time and the process's peak working set: the bounded-memory claim, measured in a
/// process of its own (a test host's working set says little). The reading layer parses the file
/// persistently and counts the attachment's decoded size by streaming.
/// </summary>
internal sealed class LargeMessageBenchmark : IBenchmark
{
    public string Name => "parse-large";

    public string Usage => "[--mb N (attachment size, default 50)]";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var megabytes = 50;
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            switch (args[i])
            {
                case "--mb": megabytes = int.Parse(args[i + 1]); break;
                default:
                    Console.Error.WriteLine($"parse-large: unknown option {args[i]}; {Usage}");
                    return 2;
            }
        }
        var path = Path.Combine(Path.GetTempPath(), $"tw-bench-large-{Environment.ProcessId}.eml");
        try
        {
            await Testing.LargeMessageFile.WriteAsync(path, megabytes * 1024 * 1024, "a@example.com", null, cancellationToken);
            GC.Collect();
            var baseline = Process.GetCurrentProcess().WorkingSet64;
            var watch = Stopwatch.StartNew();
            var message = await MessageReader.ReadAsync(path, cancellationToken: cancellationToken);
            var result = (Parsed: watch.Elapsed, AttachmentSize: message.Attachments.Single().Size);
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var length = new FileInfo(path).Length / 1048576.0;
            Console.WriteLine($"parse-large (reading layer on MimeKit, persistent parse; size counted by streaming): " +
                $"{length:F1} MB message, attachment {result.AttachmentSize / 1048576.0:F1} MB decoded");
            Console.WriteLine($"  read in {result.Parsed.TotalSeconds:F2} s ({length / result.Parsed.TotalSeconds:F0} MB/s)");
            Console.WriteLine($"  working set before {baseline / 1048576.0:F0} MB, peak for the whole process {process.PeakWorkingSet64 / 1048576.0:F0} MB, managed heap {GC.GetTotalMemory(false) / 1048576.0:F0} MB");
            return 0;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
