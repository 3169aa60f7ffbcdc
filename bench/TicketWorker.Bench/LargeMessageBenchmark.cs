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
            await WriteMessageAsync(path, megabytes * 1024 * 1024, cancellationToken);
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

    private static async Task WriteMessageAsync(string path, int size, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        await using var writer = new StreamWriter(file, new UTF8Encoding(false)) { NewLine = "\r\n" };
        await writer.WriteAsync("From: a@example.com\r\nTo: b@example.org\r\nSubject: large\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: multipart/mixed; boundary=\"big\"\r\n\r\n--big\r\nContent-Type: text/plain\r\n\r\nSee attachment.\r\n--big\r\n" +
            "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        var random = new Random(7);
        var chunk = new byte[57 * 1024];
        for (var written = 0; written < size; written += chunk.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(chunk.Length, size - written);
            random.NextBytes(chunk.AsSpan(0, count));
            for (var offset = 0; offset < count; offset += 57) await writer.WriteLineAsync(Convert.ToBase64String(chunk, offset, Math.Min(57, count - offset)));
        }
        await writer.WriteAsync("--big--\r\n");
    }
}
