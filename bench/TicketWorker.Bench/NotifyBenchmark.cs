using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using TicketWorker.Hosting;
using TicketWorker.Intake;

namespace TicketWorker.Bench;

/// <summary>
/// What notifying the owner costs at intake (SQLite, no network): the same customer mails ingested
/// with <c>notify</c> off and on, then one mail with a large attachment that the notification
/// attaches (time and bytes allocated, which must stay far below the attachment's size).
/// </summary>
internal sealed class NotifyBenchmark : IBenchmark
{
    public string Name => "notify";
    public string Usage => "[--messages N] [--large-mb M]  intake rate with notifications off and on; one M MB attachment relayed (time, allocated bytes)";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var messages = Option(args, "--messages", 2000);
        var largeMb = Option(args, "--large-mb", 8);
        await IngestAsync(false, messages / 10, 0, cancellationToken); // warm-up: JIT and SQLite, discarded
        var off = await IngestAsync(false, messages, largeMb, cancellationToken);
        var on = await IngestAsync(true, messages, largeMb, cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"notify off  {messages / off.Seconds,8:F0} msg/s ({messages} new tickets in {off.Seconds:F2} s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"notify on   {messages / on.Seconds,8:F0} msg/s ({messages} new tickets + {messages} notifications in {on.Seconds:F2} s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{largeMb} MB attachment, notify off: {off.LargeSeconds:F2} s, {off.LargeAllocated / 1048576.0:F1} MB allocated"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{largeMb} MB attachment, notify on:  {on.LargeSeconds:F2} s, {on.LargeAllocated / 1048576.0:F1} MB allocated (the outbox row holds the written mail, base64)"));
        return 0;
    }

    private static async Task<(double Seconds, double LargeSeconds, long LargeAllocated)> IngestAsync(bool notify, int count, int largeMb, CancellationToken cancellationToken)
    {
        var dir = Path.Combine(Path.GetTempPath(), "tw-bench-notify-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(dir, "config"));
        await File.WriteAllTextAsync(Path.Combine(dir, "config", "appsettings.json"), """
            { "TicketWorker": {
                "Database": { "Provider": "sqlite", "ConnectionString": "Data Source=../data/tw.db" },
                "Storage": { "MaxMessageSize": 209715200 },
                "Mailboxes": [ { "Name": "support", "Address": "support@example.test", "Imap": { "Host": "127.0.0.1", "Port": 10143, "Security": "None" } } ],
                "Smtp": { "Host": "127.0.0.1", "Port": 10025, "Security": "None" } } }
            """, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dir, "config", "rules.yaml"), $"""
            agents:
              - {"{"} email: agent1@example.test, name: Agent One {"}"}
            teams:
              first: {"{"} members: [agent1@example.test] {"}"}
            rules:
              - {"{"} name: all, then: {"{"} team: first {"}"} {"}"}
            ack: {"{"} enabled: false {"}"}
            notify: {"{"} new_ticket: {(notify ? "true" : "false")}, follow_up: false {"}"}
            """, cancellationToken);
        try
        {
            using var host = await TicketWorkerHost.OpenAsync(TicketWorkerHost.CreateBuilder(Path.Combine(dir, "config")), cancellationToken: cancellationToken);
            var ingest = host.Services.GetRequiredService<IngestPipeline>();
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                var raw = Encoding.UTF8.GetBytes($"From: Customer <customer{i % 20 + 1}@example.test>\r\nTo: support@example.test\r\nSubject: Question {i}\r\n" +
                    $"Message-ID: <bench-notify-{i}@example.test>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
                    "Hello,\r\nmy printer prints blank pages since yesterday.\r\n\r\n-- \r\nCustomer\r\n");
                await ingest.IngestAsync(new MemoryStream(raw), IngestSource.Pipe("support"), cancellationToken);
            }
            watch.Stop();
            if (largeMb == 0) return (watch.Elapsed.TotalSeconds, 0, 0);

            var path = Path.Combine(dir, "large.eml");
            await WriteLargeAsync(path, largeMb << 20, cancellationToken);
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var large = Stopwatch.StartNew();
            await using (var file = File.OpenRead(path))
                await ingest.IngestAsync(file, IngestSource.Pipe("support"), cancellationToken);
            large.Stop();
            return (watch.Elapsed.TotalSeconds, large.Elapsed.TotalSeconds, GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task WriteLargeAsync(string path, int size, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\r\n" };
        await writer.WriteAsync("From: Customer Large <customer19@example.test>\r\nTo: support@example.test\r\nSubject: Large attachment\r\n" +
            "Message-ID: <bench-notify-large@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"big\"\r\n\r\n" +
            "--big\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n--big\r\n" +
            "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        var random = new Random(7);
        var line = new byte[57];
        for (var written = 0; written < size; written += line.Length)
        {
            random.NextBytes(line);
            await writer.WriteLineAsync(Convert.ToBase64String(line).AsMemory(), cancellationToken);
        }
        await writer.WriteAsync("--big--\r\n");
    }

    private static int Option(IReadOnlyList<string> args, string name, int fallback)
    {
        for (var i = 0; i + 1 < args.Count; i++)
            if (args[i] == name) return int.Parse(args[i + 1], CultureInfo.InvariantCulture);
        return fallback;
    }
}
