using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using TicketWorker.Mail.Mime;

namespace TicketWorker.Bench;

/// <summary>
/// Parses one message with a large base64 attachment (default 50 MB) from a temporary file and
/// reports time and the process's peak working set: the bounded-memory claim, measured in a
/// process of its own (a test host's working set says little).
/// </summary>
internal sealed class LargeMessageBenchmark : IBenchmark
{
    public string Name => "parse-large";

    public string Usage => "[--mb N (attachment size, default 50)]";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var megabytes = args is ["--mb", var n] ? int.Parse(n) : 50;
        var path = Path.Combine(Path.GetTempPath(), $"tw-bench-large-{Environment.ProcessId}.eml");
        try
        {
            await WriteMessageAsync(path, megabytes * 1024 * 1024, cancellationToken);
            var baseline = Process.GetCurrentProcess().WorkingSet64;
            var watch = Stopwatch.StartNew();
            await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan))
            {
                using var message = await MimeMessage.ParseAsync(stream, cancellationToken: cancellationToken);
                var parsed = watch.Elapsed;
                var attachment = message.Attachments.Single();
                await using var content = attachment.OpenRead();
                var hash = Convert.ToHexString(await SHA256.HashDataAsync(content, cancellationToken))[..16];
                var process = Process.GetCurrentProcess();
                process.Refresh();
                Console.WriteLine($"parse-large: {new FileInfo(path).Length / 1048576.0:F1} MB message, attachment {attachment.Size / 1048576.0:F1} MB (sha256 {hash}...)");
                Console.WriteLine($"  parsed in {parsed.TotalSeconds:F2} s ({new FileInfo(path).Length / 1048576.0 / parsed.TotalSeconds:F0} MB/s), decoded+hashed in {(watch.Elapsed - parsed).TotalSeconds:F2} s");
                Console.WriteLine($"  working set before parse {baseline / 1048576.0:F0} MB, peak for the whole process {process.PeakWorkingSet64 / 1048576.0:F0} MB, managed heap {GC.GetTotalMemory(false) / 1048576.0:F0} MB");
            }
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
