using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using TicketWorker.Configuration;
using TicketWorker.Hosting;
using TicketWorker.Intake;
using TicketWorker.Mail.Imap;

namespace TicketWorker.Bench;

/// <summary>
/// Intake of a backlog (PRODUCT.md quality bar: at least half the raw IMAP download rate of the same
/// mailbox on the same server): the raw-socket download and the full intake (raw store, parse,
/// classify, thread, commit, checkpoint, keyword) of the same folder, in the same run, on SQLite.
/// </summary>
internal sealed class IngestBacklogBenchmark : IBenchmark
{
    public string Name => "ingest";
    public string Usage => "[--messages N] [--port P] [--large-mb M] [--spool-threshold BYTES]  backlog intake rate vs raw UID FETCH rate (SQLite, local Dovecot); --large-mb adds one message with an M MB attachment and reports peak RSS";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var messages = Option(args, "--messages", 10_000);
        var port = Option(args, "--port", int.TryParse(Environment.GetEnvironmentVariable("TICKETWORKER_IMAP_PORT"), out var p) ? p : 10143);
        var largeMb = Option(args, "--large-mb", 0);
        // For comparison only: a threshold above the message size keeps every literal in memory, as MailKit does by default.
        var spool = SpoolOptions.Default with { Threshold = Option(args, "--spool-threshold", SpoolOptions.Default.Threshold) };
        var folder = largeMb > 0 ? $"bench-fetch-{messages}-large{largeMb}" : $"bench-fetch-{messages}";
        var largePath = Path.Combine(Path.GetTempPath(), $"tw-bench-large-{Environment.ProcessId}.eml");
        IReadOnlyList<Func<Stream>>? extra = null;
        if (largeMb > 0)
        {
            await Testing.LargeMessageFile.WriteAsync(largePath, largeMb << 20, "Customer Large <customer19@example.test>", "bench-large@example.test", cancellationToken);
            extra = [() => File.OpenRead(largePath)];
        }
        long bytes;
        try
        {
            bytes = await ImapFetchBenchmark.SeedAsync(port, folder, messages, extra);
        }
        finally
        {
            File.Delete(largePath);
        }
        Console.WriteLine($"folder {folder}: {messages} messages{(largeMb > 0 ? $" + one with a {largeMb} MB attachment" : "")}, {bytes / 1048576.0:F1} MB");

        var (rawCount, _, rawSeconds) = await ImapFetchBenchmark.RawSocketAsync(port, folder);
        var rawRate = rawCount / rawSeconds;

        var dir = Path.Combine(Path.GetTempPath(), "tw-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(dir, "config"));
        await File.WriteAllTextAsync(Path.Combine(dir, "config", "appsettings.json"), $$"""
            { "TicketWorker": {
                "Database": { "Provider": "sqlite", "ConnectionString": "Data Source=../data/tw.db" },
                "Storage": { "MaxMessageSize": 209715200 },
                "Mailboxes": [ { "Name": "bench", "Address": "customer20@example.test", "Folder": "{{folder}}", "FirstStart": "Import",
                                 "ProcessedKeyword": null,
                                 "Imap": { "Host": "127.0.0.1", "Port": {{port}}, "Security": "None", "Password": "secret" } } ],
                "Smtp": { "Host": "127.0.0.1", "Port": 10025, "Security": "None" } } }
            """, cancellationToken);
        try
        {
            using var host = await TicketWorkerHost.OpenAsync(TicketWorkerHost.CreateBuilder(Path.Combine(dir, "config")), cancellationToken: cancellationToken);
            var mailbox = host.Services.GetRequiredService<TicketWorkerOptions>().Mailboxes.Single();
            var before = Process.GetCurrentProcess().PeakWorkingSet64;
            var watch = Stopwatch.StartNew();
            using var client = await ServerConnections.OpenImapAsync(host.Services.GetRequiredService<LoadedSettings>(), mailbox, cancellationToken, spool);
            var intake = host.Services.GetRequiredService<MailboxIntakeFactory>().Create(mailbox, "bench", NullLogger.Instance);
            var info = await intake.OpenFolderAsync(client, cancellationToken);
            var processed = await intake.CatchUpAsync(client, info, cancellationToken);
            watch.Stop();
            var rate = processed / watch.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"raw UID FETCH (socket) {rawRate,10:F0} msg/s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"intake (SQLite)        {rate,10:F0} msg/s  ({processed} messages in {watch.Elapsed.TotalSeconds:F1} s) = {rate / rawRate:P1} of raw"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak working set (RSS high-water mark) {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MB (before intake {before / 1048576.0:F0} MB)"));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int Option(IReadOnlyList<string> args, string name, int fallback)
    {
        for (var i = 0; i + 1 < args.Count; i++)
            if (args[i] == name) return int.Parse(args[i + 1], CultureInfo.InvariantCulture);
        return fallback;
    }
}
