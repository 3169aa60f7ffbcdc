using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using TicketWorker.Hosting;
using TicketWorker.Intake;

namespace TicketWorker.Bench;

/// <summary>
/// Intake of a backlog (PRODUCT.md quality bar: at least half the raw IMAP download rate of the same
/// mailbox on the same server): the raw-socket download and the full intake (raw store, parse,
/// classify, thread, commit, checkpoint, keyword) of the same folder, in the same run, on SQLite.
/// </summary>
internal sealed class IngestBacklogBenchmark : IBenchmark
{
    public string Name => "ingest";
    public string Usage => "[--messages N] [--port P]  backlog intake rate vs raw UID FETCH rate (SQLite, local Dovecot)";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var messages = Option(args, "--messages", 10_000);
        var port = Option(args, "--port", int.TryParse(Environment.GetEnvironmentVariable("TICKETWORKER_IMAP_PORT"), out var p) ? p : 10143);
        var folder = $"bench-fetch-{messages}";
        var bytes = await ImapFetchBenchmark.SeedAsync(port, folder, messages);
        Console.WriteLine($"folder {folder}: {messages} messages, {bytes / 1048576.0:F1} MB");

        var (rawCount, _, rawSeconds) = await ImapFetchBenchmark.RawSocketAsync(port, folder);
        var rawRate = rawCount / rawSeconds;

        var dir = Path.Combine(Path.GetTempPath(), "tw-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(dir, "config"));
        await File.WriteAllTextAsync(Path.Combine(dir, "config", "appsettings.json"), $$"""
            { "TicketWorker": {
                "Database": { "Provider": "sqlite", "ConnectionString": "Data Source=../data/tw.db" },
                "Mailboxes": [ { "Name": "bench", "Address": "customer20@example.test", "Folder": "{{folder}}", "FirstStart": "Import",
                                 "ProcessedKeyword": null,
                                 "Imap": { "Host": "127.0.0.1", "Port": {{port}}, "Security": "None", "Password": "secret" } } ],
                "Smtp": { "Host": "127.0.0.1", "Port": 10025, "Security": "None" } } }
            """, cancellationToken);
        try
        {
            var runtime = await TicketWorkerRuntime.OpenAsync(Path.Combine(dir, "config"), cancellationToken: cancellationToken);
            var mailbox = runtime.Options.Mailboxes.Single();
            var before = Process.GetCurrentProcess().PeakWorkingSet64;
            var watch = Stopwatch.StartNew();
            await using var client = await ServerConnections.OpenImapAsync(runtime.Settings, mailbox, cancellationToken);
            var info = await client.SelectAsync(folder, cancellationToken);
            var processed = await new MailboxIntake(runtime, mailbox, "bench", NullLogger.Instance).CatchUpAsync(client, info, cancellationToken);
            watch.Stop();
            var rate = processed / watch.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"raw UID FETCH (socket) {rawRate,10:F0} msg/s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"intake (SQLite)        {rate,10:F0} msg/s  ({processed} messages in {watch.Elapsed.TotalSeconds:F1} s) = {rate / rawRate:P1} of raw"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MB (before intake {before / 1048576.0:F0} MB)"));
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
