using System.Diagnostics;
using System.Globalization;
using MailKit;
using MimeKit;
using TicketWorker.Mail.Imap;

namespace TicketWorker.Bench;

/// <summary>
/// Intake of a backlog (PRODUCT.md quality bar; issue 15): a realistic 10,000-message folder
/// (<see cref="BacklogSet"/>) plus one message with a 50 MB attachment, downloaded raw by MailKit
/// (GetStreamsAsync in intake's 500-UID commands), by Python's imaplib and by a raw socket, then
/// ticketed by the worker's intake (raw store, parse, classify, thread, rules, acknowledgement,
/// notifications, commit, checkpoint) on SQLite and on PostgreSQL, each in a child process so its
/// peak RSS is its own. All figures come from the same run.
/// </summary>
internal sealed class IngestBacklogBenchmark : IBenchmark
{
    public string Name => "ingest";

    public string Usage => "[--messages N (10000)] [--large-mb M (50, 0 = none)] [--port P] [--smtp-port P] [--providers sqlite,postgres] [--pg CONNSTR] [--python PATH] [--jit-stats] [--closed-history N (0): closed tickets in the database before intake]  backlog intake vs raw download, same run";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var messages = Options.Int(args, "--messages", 10_000);
        var largeMb = Options.Int(args, "--large-mb", 50);
        var port = Options.Int(args, "--port", Options.EnvPort("TICKETWORKER_IMAP_PORT", 10143));
        var smtpPort = Options.Int(args, "--smtp-port", Options.EnvPort("TICKETWORKER_SMTP_PORT", 10025));
        var providers = Options.String(args, "--providers", "sqlite,postgres").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var pg = Options.String(args, "--pg", Environment.GetEnvironmentVariable("TICKETWORKER_BENCH_PG")
            ?? "Host=127.0.0.1;Port=15432;Username=ticketworker;Password=ticketworker;Database=tw_intake_bench");
        var python = Options.String(args, "--python", "python3");
        var folder = $"backlog-{messages}-l{largeMb}";

        var (count, bytes) = await SeedAsync(port, folder, messages, largeMb, cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"folder {folder} of {ImapFetchBenchmark.User} on 127.0.0.1:{port}: {count} messages, {bytes / 1048576.0:F1} MB{(largeMb > 0 ? $" (one with a {largeMb} MB attachment)" : "")}"));
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine(ServiceUnit.Describe());

        var rows = new List<(string Name, int Messages, long Bytes, double Seconds, string Extra)>();
        var mailkit = await ImapFetchBenchmark.MailKitAsync(port, folder, batch: 500);
        var imaplib = await ImapFetchBenchmark.PythonAsync(python, port, folder);
        var socket = await ImapFetchBenchmark.RawSocketAsync(port, folder);
        foreach (var provider in providers)
        {
            // SQLite's child ingests the folder twice: as a first import (a new process) and again with its code compiled (a running worker).
            var result = await RunChildAsync(provider, provider == "sqlite" ? null : pg, port, smtpPort, folder, args.Contains("--jit-stats"), Options.Int(args, "--closed-history", 0),
                rounds: provider == "sqlite" ? 2 : 1, cancellationToken);
            rows.Add(($"intake ({provider})", result.Messages, bytes, result.Seconds, result.Extra));
            if (result.Warm is { } warm) rows.Add(($"  same, warm process", warm.Messages, bytes, warm.Seconds, warm.Extra));
        }
        // The least any intake of these messages can take here (reading and two rows each, no ticket logic): how far the ratio can go.
        var floor = await RunBenchmarkChildAsync("floor", ["floor", "--messages", messages.ToString(CultureInfo.InvariantCulture)], "", cancellationToken);
        var floorBytes = long.Parse(floor.Extra.Split(' ')[0], CultureInfo.InvariantCulture);
        rows.Add(("floor (bench 'floor')", floor.Messages, floorBytes, floor.Seconds, floor.Extra[(floor.Extra.IndexOf(';', StringComparison.Ordinal) + 2)..]));
        // The download again after the intakes, so a drift of the machine's speed shows; the better one is the reference.
        var mailkitAfter = await ImapFetchBenchmark.MailKitAsync(port, folder, batch: 500);
        var reference = Math.Min(mailkit.Item3, mailkitAfter.Item3);

        Console.WriteLine();
        Console.WriteLine($"{"reader",-22} {"messages",9} {"seconds",8} {"msg/s",8} {"MB/s",7} {"vs MailKit",11}  notes");
        void Row(string name, int n, long b, double s, string extra) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-22} {n,9} {s,8:F2} {n / s,8:F0} {b / s / 1048576,7:F1} {reference / s,11:P1}  {extra}"));
        Row("raw MailKit (500/cmd)", mailkit.Item1, mailkit.Item2, mailkit.Item3, "before the intakes");
        Row("raw MailKit (500/cmd)", mailkitAfter.Item1, mailkitAfter.Item2, mailkitAfter.Item3, "after the intakes");
        Row("raw python imaplib", imaplib.Item1, imaplib.Item2, imaplib.Item3, "one UID FETCH 1:*");
        Row("raw socket", socket.Item1, socket.Item2, socket.Item3, "bytes counted, nothing parsed");
        foreach (var r in rows) Row(r.Name, r.Messages, r.Bytes, r.Seconds, r.Extra);
        return rows.Where(r => r.Name.StartsWith("intake", StringComparison.Ordinal)).All(r => r.Messages == count) ? 0 : 1;
    }

    /// <summary>Runs <see cref="IngestRunBenchmark"/> in a child process; returns what it printed on its RESULT line.</summary>
    private static Task<ChildResult> RunChildAsync(string provider, string? connection, int port, int smtpPort, string folder, bool jitStats, int closedHistory, int rounds,
        CancellationToken cancellationToken)
    {
        var args = new List<string> { "ingest-run", "--provider", provider, "--folder", folder, "--port", port.ToString(CultureInfo.InvariantCulture), "--smtp-port", smtpPort.ToString(CultureInfo.InvariantCulture),
            "--rounds", rounds.ToString(CultureInfo.InvariantCulture) };
        if (jitStats) args.Add("--jit-stats");
        if (closedHistory > 0) args.AddRange(["--closed-history", closedHistory.ToString(CultureInfo.InvariantCulture)]);
        if (connection is not null) args.AddRange(["--connection", connection]);
        return RunBenchmarkChildAsync(provider, args,
            provider == "postgres" ? " — PostgreSQL comes from install/test-services.sh up (port 15432) or --pg; --providers sqlite skips it" : "", cancellationToken);
    }

    /// <summary>What a child printed on its RESULT line (messages, seconds, the rest) and on its last WARM line, if any.</summary>
    private sealed record ChildResult(int Messages, double Seconds, string Extra, ChildResult? Warm = null);

    /// <summary>Runs one benchmark of this program in a child process (its own JIT and heap); returns what it printed on its RESULT (and WARM) line.</summary>
    private static async Task<ChildResult> RunBenchmarkChildAsync(string label, IReadOnlyList<string> args, string hint, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(IngestBacklogBenchmark).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (name, value) in ServiceUnit.RuntimeSettings()) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the child");
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        string? result = null, warm = null;
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("RESULT ", StringComparison.Ordinal)) result = line;
            if (line.StartsWith("WARM ", StringComparison.Ordinal)) warm = line;
            Console.WriteLine($"  [{label}] {line}");
        }
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0 || result is null)
            throw new InvalidOperationException($"{args[0]} ({label}) failed (exit {process.ExitCode}): {(await errors).Trim()}{hint}");
        return Parse(result) with { Warm = warm is null ? null : Parse(warm) };

        static ChildResult Parse(string line)
        {
            var parts = line.Split(' ', 4);
            return new ChildResult(int.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture), parts[3]);
        }
    }

    /// <summary>Makes the folder hold the backlog (kept between runs when complete); returns its message count and size.</summary>
    private static async Task<(int Count, long Bytes)> SeedAsync(int port, string folder, int messages, int largeMb, CancellationToken cancellationToken)
    {
        var expected = messages + (largeMb > 0 ? 1 : 0);
        using var client = await ImapFetchBenchmark.ConnectAsync(port);
        try
        {
            var existing = await ImapFolders.GetAsync(client, folder, cancellationToken);
            await existing.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
            if (existing.Count == expected)
                return (expected, (await existing.FetchAsync(0, -1, MessageSummaryItems.Size, cancellationToken)).Sum(s => (long)(s.Size ?? 0)));
            await existing.CloseAsync(cancellationToken: cancellationToken);
            await existing.DeleteAsync(cancellationToken);
        }
        catch (FolderNotFoundException)
        {
            // Not seeded yet.
        }
        Console.WriteLine($"seeding {folder} ({expected} messages, once)…");
        var target = await ImapFolders.GetOrCreateAsync(client, folder, cancellationToken);
        await target.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
        long total = 0;
        var largeAt = messages / 2;
        for (var start = 0; start < messages; start += 250)
        {
            var batch = new List<IAppendRequest>();
            for (var i = start; i < Math.Min(messages, start + 250); i++)
            {
                var bytes = BacklogSet.Message(i);
                total += bytes.Length;
                batch.Add(new AppendRequest(await MimeMessage.LoadAsync(new MemoryStream(bytes), cancellationToken)));
            }
            await target.AppendAsync(batch, cancellationToken);
            if (largeMb > 0 && start <= largeAt && largeAt < start + 250)
            {
                var path = Path.Combine(Path.GetTempPath(), $"tw-bench-large-{Environment.ProcessId}.eml");
                try
                {
                    await Testing.LargeMessageFile.WriteAsync(path, largeMb << 20, "Customer Large <customer19@example.test>", "bench-large@example.test", cancellationToken);
                    await using var stream = File.OpenRead(path);
                    total += stream.Length;
                    using var large = await MimeMessage.LoadAsync(stream, persistent: true, cancellationToken);
                    await target.AppendAsync(new AppendRequest(large), cancellationToken);
                }
                finally
                {
                    File.Delete(path);
                }
            }
        }
        return (expected, total);
    }
}
