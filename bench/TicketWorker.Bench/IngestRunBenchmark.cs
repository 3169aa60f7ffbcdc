using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TicketWorker.Configuration;
using TicketWorker.Hosting;
using TicketWorker.Intake;
using TicketWorker.Storage;

namespace TicketWorker.Bench;

/// <summary>
/// The worker side of <see cref="IngestBacklogBenchmark"/>, in its own process: a fresh database,
/// then one catch-up of the folder through the real intake, timed from connect to the last commit.
/// Prints a RESULT line: messages, seconds, and the counts that show every message was ticketed.
/// </summary>
internal sealed class IngestRunBenchmark : IBenchmark
{
    public string Name => "ingest-run";

    public string Usage => "--provider sqlite|postgres --folder F [--connection C] [--port P] [--smtp-port P] [--jit-stats: compilations by tier, dynamic methods, the longest compilations] [--alloc-stats] [--gc-stats] [--closed-history N] [--rounds N (1): rounds after the first in the same process, compiled code kept, print WARM lines] [--no-compose: skip composing the queued mail after the intake, e.g. under a profiler]  (child of 'ingest')";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        // Round 1 is a worker's first import: a new process, every method compiled as intake first calls it. Each later
        // round ingests the folder again into a new database in the same process, whose code is compiled already: a
        // worker that has been running (a backlog after a mail server outage). Its line starts with WARM instead of RESULT.
        var rounds = Options.Int(args, "--rounds", 1);
        for (var round = 1; round <= rounds; round++)
            await RunOnceAsync(args, round == 1 ? "RESULT" : "WARM", compose: round == rounds && !args.Contains("--no-compose"), cancellationToken);
        return 0;
    }

    private static async Task RunOnceAsync(IReadOnlyList<string> args, string label, bool compose, CancellationToken cancellationToken)
    {
        var provider = Options.String(args, "--provider", "sqlite");
        var folder = Options.String(args, "--folder", "INBOX");
        var connection = Options.Find(args, "--connection");
        var port = Options.Int(args, "--port", 10143);
        var smtpPort = Options.Int(args, "--smtp-port", 10025);
        if (provider == "postgres" && connection is not null) await RecreatePostgresAsync(connection, cancellationToken);
        using var jit = args.Contains("--jit-stats") ? new DynamicMethodListener() : null;
        using var allocations = args.Contains("--alloc-stats") ? new AllocationListener() : null;
        using var collections = args.Contains("--gc-stats") ? new GcListener() : null;

        using var config = BenchConfig.Create(provider, connection, $$"""
            { "Name": "bench", "Address": "{{ImapFetchBenchmark.User}}", "Folder": "{{folder}}", "FirstStart": "Import", "ProcessedKeyword": null,
              "Imap": { "Host": "127.0.0.1", "Port": {{port}}, "Security": "None", "Password": "secret" } }
            """, smtpPort);
        using var host = await TicketWorkerHost.OpenAsync(TicketWorkerHost.CreateBuilder(config.ConfigFolder), cancellationToken: cancellationToken);
        var mailbox = host.Services.GetRequiredService<TicketWorkerOptions>().Mailboxes.Single();
        if (Options.Int(args, "--closed-history", 0) is > 0 and var closed) await SeedClosedHistoryAsync(host.Services, closed, cancellationToken);
        // Built before the clock starts, as the worker builds it when the host starts its intake service (with the
        // templates, the acknowledger and the writer): until 2026-12-04 the benchmark built them inside the timed intake.
        var intakes = host.Services.GetRequiredService<MailboxIntakeFactory>();
        var rssBefore = PeakRssMb();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var pauseBefore = GC.GetTotalPauseDuration();
        var jitBefore = (jit?.Jitted ?? 0, jit?.DynamicTotal ?? 0);
        jit?.MarkTiers();
        var watch = Stopwatch.StartNew();
        using var peak = new PeakSampler(watch);
        using var client = await ServerConnections.OpenImapAsync(host.Services.GetRequiredService<LoadedSettings>(), mailbox, cancellationToken);
        var intake = intakes.Create(mailbox, "bench", NullLogger.Instance);
        var imap = await intake.OpenFolderAsync(client, cancellationToken);
        var processed = 0;
        var failures = 0;
        for (; ; )
        {
            try
            {
                processed += await intake.CatchUpAsync(client, imap, cancellationToken);
                break;
            }
            catch (TimeoutException e) when (++failures <= 5)
            {
                // A batch that timed out (a regex or command timeout on a starved machine) commits nothing; the
                // worker's session tries it again from the checkpoint, and so does the benchmark (counted, not hidden).
                Console.WriteLine($"batch failed, again from the checkpoint: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            }
        }
        watch.Stop();
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var gcs = (GC.CollectionCount(0) - gcBefore.Item1, GC.CollectionCount(1) - gcBefore.Item2, GC.CollectionCount(2) - gcBefore.Item3);
        var pause = (GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds;

        var database = host.Services.GetRequiredService<StorageDatabase>();
        await using var db = await database.OpenConnectionAsync(cancellationToken);
        var tickets = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tickets");
        var stored = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'inbound'");
        var ignored = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM ignored_messages");
        var quarantined = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM quarantine");
        // After a retried batch the calls' counts miss the batches committed before the failure: count what is stored.
        if (failures > 0) processed = (int)(stored + ignored + quarantined);
        var outbox = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox");
        foreach (var reason in await db.QueryAsync<string>("SELECT uid || ': ' || reason FROM quarantine ORDER BY id"))
            Console.WriteLine("quarantined: " + reason);
        Console.WriteLine(peak.Describe());
        if (allocations is not null)
        {
            Console.WriteLine("allocated (sampled every ~100 KB; large = the large-object heap, whose budget starts gen2 collections):");
            foreach (var line in allocations.Report(12)) Console.WriteLine("  " + line);
        }
        if (collections is not null)
        {
            Console.WriteLine("collections (generation, count × mean pause = total, reason; the whole process from the start of this round):");
            foreach (var line in collections.Report()) Console.WriteLine("  " + line);
        }
        if (jit is not null)
        {
            Console.WriteLine($"JIT during intake: {jit.Jitted - jitBefore.Item1} methods, of which {jit.DynamicTotal - jitBefore.Item2} dynamic; dynamic methods by name (whole process):");
            Console.WriteLine("  by tier: " + jit.Tiers());
            foreach (var line in jit.Report(25)) Console.WriteLine("  " + line);
            Console.WriteLine("  the longest compilations (whole process; wall time on the compiling thread, tier totals first):");
            foreach (var line in jit.Costliest(30)) Console.WriteLine("  " + line);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label} {processed} {watch.Elapsed.TotalSeconds:F3} peak RSS {PeakRssMb():F0} MB (at start {rssBefore:F0} MB); {tickets} tickets, {stored} messages, {ignored} ignored, {quarantined} quarantined, {outbox} outbox rows; CPU {cpu:F1} s ({cpu / watch.Elapsed.TotalSeconds:P0} of one core), GC {gcs.Item1}/{gcs.Item2}/{gcs.Item3} (gen0/1/2) paused {pause:F2} s, {(GCSettings.IsServerGC ? "server" : "workstation")} GC{(GCSettings.LatencyMode == GCLatencyMode.Batch ? " (not concurrent)" : "")}{(failures > 0 ? $", {failures} batch(es) retried" : "")}"));
        if (compose) await ComposeQueuedAsync(host.Services, cancellationToken);
    }

    /// <summary>
    /// What the sender does with the mails intake queued as recipes before it sends them: writes
    /// each mail (template, MIME, attachments read again) and stores its bytes. Not part of the intake's time
    /// (the sender does it at the pace of SMTP, beside intake); shown so the whole work stays visible.
    /// </summary>
    private static async Task ComposeQueuedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var database = services.GetRequiredService<StorageDatabase>();
        var outbox = services.GetRequiredService<IOutboxStore>();
        var tickets = services.GetRequiredService<ITicketStore>();
        var composers = services.GetServices<Outbox.IOutboxComposer>().ToList();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        long composed = 0, bytes = 0;
        for (long after = 0; ; )
        {
            var rows = await database.InReadAsync(async tx =>
            {
                var page = new List<OutboxItem>();
                var conn = ((StorageTransaction)tx).Connection;
                foreach (var id in await conn.QueryAsync<long>("SELECT id FROM outbox WHERE recipe IS NOT NULL AND id > @After ORDER BY id LIMIT 100", new { After = after }, ((StorageTransaction)tx).Transaction))
                    page.Add((await outbox.GetAsync(tx, id, cancellationToken))!);
                return page;
            }, cancellationToken);
            if (rows.Count == 0) break;
            // Groups of up to 4 MB in one transaction each, as the sender stores them.
            var mails = new List<(long Id, Outbox.ComposedMail Mail)>();
            long group = 0;
            foreach (var row in rows)
            {
                var mail = await composers.Single(c => c.Composes(row.Kind)).ComposeAsync(row, cancellationToken);
                mails.Add((row.Id, mail));
                group += mail.Raw.Length;
                if (group < 4 << 20 && row != rows[^1]) continue;
                await database.InTransactionAsync(async tx =>
                {
                    foreach (var (id, m) in mails) await m.StoreAsync(tx, id, outbox, tickets, cancellationToken);
                    return 0;
                }, cancellationToken);
                composed += mails.Count;
                bytes += group;
                (mails, group) = ([], 0);
            }
            after = rows[^1].Id;
        }
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        await using var db = await database.OpenConnectionAsync(cancellationToken);
        var outbound = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'outbound'");
        if (composed > 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"COMPOSED {composed} {watch.Elapsed.TotalSeconds:F3} mails (acknowledgements, notifications) written by the sender's composers afterwards ({composed / watch.Elapsed.TotalSeconds:F0}/s, {bytes / 1048576.0:F1} MB, CPU {cpu:F1} s; not part of the intake's time), {outbound} outbound messages stored with them, peak RSS now {PeakRssMb():F0} MB"));
    }

    /// <summary>
    /// An established install: <paramref name="count"/> normal-priority tickets closed over the last 60 days,
    /// each open 2–50 hours, so every acknowledgement's estimate is learned from history (the estimate
    /// window is 90 days by default).
    /// </summary>
    private static async Task SeedClosedHistoryAsync(IServiceProvider services, int count, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<ITicketStore>();
        var now = DateTimeOffset.UtcNow;
        await using var tx = await services.GetRequiredService<StorageDatabase>().BeginAsync(cancellationToken);
        for (var i = 0; i < count; i++)
        {
            var closedAt = now - TimeSpan.FromHours(1 + (i * 60.0 * 24 / count));
            var createdAt = closedAt - TimeSpan.FromHours(2 + (i % 49));
            var ticket = await store.CreateTicketAsync(tx, new TicketRecord
            {
                Subject = $"closed {i}", NormalizedSubject = $"closed {i}", Priority = "normal",
                CustomerAddress = $"history{i % 500}@example.org", CreatedAt = createdAt, UpdatedAt = closedAt,
            }, cancellationToken);
            await store.SetStatusAsync(tx, ticket.Id, TicketStatus.Closed, closedAt, cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        Console.WriteLine($"seeded {count} closed tickets (the last 60 days)");
    }

    /// <summary>The process's RSS high-water mark (VmHWM), in MB.</summary>
    internal static double PeakRssMb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        return Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
    }

    private static async Task RecreatePostgresAsync(string connection, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connection);
        var name = builder.Database ?? throw new InvalidOperationException("--connection names no database");
        builder.Database = "postgres";
        builder.Pooling = false;
        await using var admin = new NpgsqlConnection(builder.ConnectionString);
        await admin.OpenAsync(cancellationToken);
        // The name comes from the benchmark's own option; quoted as an identifier.
        await admin.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WITH (FORCE)");
        await admin.ExecuteAsync($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"");
    }

    /// <summary>Samples the RSS every 100 ms and remembers what the managed heap held at its highest point (is the peak managed or native?).</summary>
    private sealed class PeakSampler : IDisposable
    {
        private readonly Timer timer;
        private readonly Stopwatch watch;
        private double rss, seconds, heap, committed, fragmented;

        public PeakSampler(Stopwatch watch)
        {
            this.watch = watch;
            timer = new Timer(_ => Sample(), null, 0, 100);
        }

        private void Sample()
        {
            var now = CurrentRssMb();
            lock (timer)
            {
                if (now <= rss) return;
                var info = GC.GetGCMemoryInfo();
                (rss, seconds, heap, committed, fragmented) = (now, watch.Elapsed.TotalSeconds, GC.GetTotalMemory(false) / 1048576.0,
                    info.TotalCommittedBytes / 1048576.0, info.FragmentedBytes / 1048576.0);
            }
        }

        public string Describe()
        {
            lock (timer)
                return string.Create(CultureInfo.InvariantCulture,
                    $"highest RSS sampled {rss:F0} MB at {seconds:F1} s: managed heap {heap:F0} MB in use, {committed:F0} MB committed ({fragmented:F0} MB fragmented); the rest is native (runtime, code, SQLite, buffers)");
        }

        public void Dispose() => timer.Dispose();

        private static double CurrentRssMb()
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
            return 0;
        }
    }
}
