using System.Diagnostics;
using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace TicketWorker.Bench;

/// <summary>
/// New mail to acknowledgement (PRODUCT.md quality bar: p95 under 1 s with IDLE): the worker runs
/// as `ticketworker run` in its own process, IDLE on support@'s INBOX; mails are sent by SMTP at a
/// steady rate from customer1..20; for each, SMTP accepted → the acknowledgement readable in the
/// customer's INBOX (polled every 5 ms over IMAP). In the same run a bare MailKit client IDLEs on
/// the same INBOX and records when Dovecot announces each mail (EXISTS), so the server's own IDLE
/// delay and the worker's share are both visible.
/// </summary>
internal sealed class LatencyBenchmark : IBenchmark
{
    private const string Host = "127.0.0.1";

    public string Name => "latency";

    public string Usage => "[--mails N (200)] [--interval-ms MS (250)] [--port P] [--smtp-port P]  new mail → acknowledgement in the customer's INBOX, with the worker in IDLE";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var mails = Options.Int(args, "--mails", 200);
        var interval = TimeSpan.FromMilliseconds(Options.Int(args, "--interval-ms", 250));
        var port = Options.Int(args, "--port", Options.EnvPort("TICKETWORKER_IMAP_PORT", 10143));
        var smtpPort = Options.Int(args, "--smtp-port", Options.EnvPort("TICKETWORKER_SMTP_PORT", 10025));

        using var config = BenchConfig.Create("sqlite", null, $$"""
            { "Name": "support", "Address": "support@example.test", "Folder": "INBOX", "FirstStart": "Skip",
              "Imap": { "Host": "{{Host}}", "Port": {{port}}, "Security": "None", "Username": "support@example.test", "Password": "secret" } }
            """, smtpPort, maxPerDay: 1000);
        var worker = StartWorker(config);
        try
        {
            // FirstStart Skip: mail that came before the worker's first connection is history, so wait for it.
            var waited = Stopwatch.StartNew();
            while (!(File.Exists(WorkerLog) && File.ReadAllText(WorkerLog).Contains("connected to", StringComparison.Ordinal)))
            {
                if (worker.HasExited || waited.Elapsed > TimeSpan.FromSeconds(60))
                    throw new InvalidOperationException("the worker did not connect; see " + WorkerLog);
                await Task.Delay(100, cancellationToken);
            }
            await Task.Delay(500, cancellationToken);
            // The bare IDLE client: when does Dovecot tell an IDLE client about each new mail?
            using var idler = new ImapClient();
            await idler.ConnectAsync(Host, port, SecureSocketOptions.None, cancellationToken);
            await idler.AuthenticateAsync("support@example.test", "secret", cancellationToken);
            await idler.Inbox.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
            var announced = new List<long>();
            var seen = idler.Inbox.Count;
            idler.Inbox.CountChanged += (_, _) =>
            {
                var now = Stopwatch.GetTimestamp();
                lock (announced)
                    while (seen < idler.Inbox.Count) { seen++; announced.Add(now); }
            };
            using var stopIdle = new CancellationTokenSource();
            var idling = IdleLoopAsync(idler, stopIdle.Token);

            var customers = new ImapClient[20];
            for (var c = 0; c < customers.Length; c++)
            {
                customers[c] = new ImapClient();
                await customers[c].ConnectAsync(Host, port, SecureSocketOptions.None, cancellationToken);
                await customers[c].AuthenticateAsync($"customer{c + 1}@example.test", "secret", cancellationToken);
                await customers[c].Inbox.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
            }
            using var smtp = new SmtpClient();
            await smtp.ConnectAsync(Host, smtpPort, SecureSocketOptions.None, cancellationToken);

            // Warm-up (JIT, connections, first IDLE): one mail, waited for, not counted.
            var runId = Guid.NewGuid().ToString("N")[..8];
            Console.WriteLine(ServiceUnit.Describe());
            Console.WriteLine("waiting for the worker's first acknowledgement (warm-up)…");
            var warm = await MeasureAsync(smtp, customers[19], 20, $"warm-{runId}", TimeSpan.FromSeconds(60), cancellationToken);
            if (warm is null) throw new InvalidOperationException("the worker sent no acknowledgement within 60 s; see " + WorkerLog);
            lock (announced) announced.Clear();

            var results = new (double Latency, long Accepted)?[mails];
            var tasks = new List<Task>();
            var gates = customers.Select(_ => new SemaphoreSlim(1, 1)).ToArray();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < mails; i++)
            {
                var due = interval * i - clock.Elapsed;
                if (due > TimeSpan.Zero) await Task.Delay(due, cancellationToken);
                var index = i;
                var c = i % customers.Length;
                await gates[c].WaitAsync(cancellationToken);
                // Sending is sequential (one SMTP session); waiting for the acknowledgement is not.
                var accepted = await SendAsync(smtp, c + 1, $"lat-{runId}-{index}", cancellationToken);
                tasks.Add(Task.Run(async () =>
                {
                    try
                    {
                        var latency = await WaitForAckAsync(customers[c], $"<lat-{runId}-{index}@example.test>", accepted, TimeSpan.FromSeconds(30), cancellationToken);
                        results[index] = latency is { } l ? (l, accepted) : null;
                    }
                    finally
                    {
                        gates[c].Release();
                    }
                }, cancellationToken));
            }
            await Task.WhenAll(tasks);
            await Task.Delay(1000, cancellationToken);
            await stopIdle.CancelAsync();
            await idling;

            var latencies = results.Where(r => r is not null).Select(r => r!.Value.Latency).ToList();
            var accepts = results.Select(r => r?.Accepted).ToList();
            List<double> idle;
            lock (announced)
                idle = announced.Take(mails).Select((t, i) => accepts[i] is { } a ? Stopwatch.GetElapsedTime(a, t).TotalSeconds : double.NaN).Where(d => !double.IsNaN(d)).ToList();
            var share = results.Select((r, i) => r is { } x && i < announced.Count ? x.Latency - Stopwatch.GetElapsedTime(x.Accepted, announced[i]).TotalSeconds : double.NaN)
                .Where(d => !double.IsNaN(d)).ToList();

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{mails} mails, one every {interval.TotalMilliseconds:F0} ms from customer1..20 to support@ (SMTP 127.0.0.1:{smtpPort}, IMAP {port}); {latencies.Count} acknowledged, {idle.Count} EXISTS seen by the bare IDLE client"));
            Console.WriteLine($"{"seconds",-44} {"p50",7} {"p95",7} {"p99",7} {"max",7}");
            Row("SMTP accepted → ack in customer's INBOX", latencies);
            Row("SMTP accepted → EXISTS to a bare IDLE client", idle);
            Row("per mail: ack latency − IDLE announcement", share);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"worker share (p95 latency − p95 server IDLE delay): {Percentile(latencies, 0.95) - Percentile(idle, 0.95):F3} s"));
            foreach (var customer in customers) customer.Dispose();
            return latencies.Count == mails ? 0 : 1;
        }
        finally
        {
            if (!worker.HasExited)
            {
                worker.Kill(entireProcessTree: true);
                await worker.WaitForExitAsync(CancellationToken.None);
            }
            worker.Dispose();
        }
    }

    private static string WorkerLog => Path.Combine(Path.GetTempPath(), $"tw-latency-worker-{Environment.ProcessId}.log");

    private static Process StartWorker(BenchConfig config)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ticketworker.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "run", "--config", config.ConfigFolder }) start.ArgumentList.Add(a);
        foreach (var (name, value) in ServiceUnit.RuntimeSettings()) start.Environment[name] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the worker");
        var log = new StreamWriter(new FileStream(WorkerLog, FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task IdleLoopAsync(ImapClient client, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            using var round = CancellationTokenSource.CreateLinkedTokenSource(stop);
            round.CancelAfter(TimeSpan.FromMinutes(5));
            try
            {
                await client.IdleAsync(round.Token, CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static async Task<long> SendAsync(SmtpClient smtp, int customer, string id, CancellationToken cancellationToken)
    {
        var message = new MimeMessage { MessageId = $"{id}@example.test", Subject = $"Latency probe {id}", Date = DateTimeOffset.UtcNow };
        message.From.Add(new MailboxAddress($"Customer {customer}", $"customer{customer}@example.test"));
        message.To.Add(new MailboxAddress("Support", "support@example.test"));
        message.Body = new TextPart("plain") { Text = "Hello, my order has not arrived yet. Could you check?\n" };
        await smtp.SendAsync(message, cancellationToken);
        return Stopwatch.GetTimestamp();
    }

    private static async Task<double?> MeasureAsync(SmtpClient smtp, ImapClient customer, int number, string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var accepted = await SendAsync(smtp, number, id, cancellationToken);
        return await WaitForAckAsync(customer, $"<{id}@example.test>", accepted, timeout, cancellationToken);
    }

    /// <summary>Polls the customer's INBOX (NOOP every 5 ms) until a message answering <paramref name="messageId"/> is there.</summary>
    private static async Task<double?> WaitForAckAsync(ImapClient customer, string messageId, long accepted, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var inbox = customer.Inbox;
        var known = inbox.Count;
        while (Stopwatch.GetElapsedTime(accepted) < timeout)
        {
            await customer.NoOpAsync(cancellationToken);
            if (inbox.Count > known)
            {
                var seenAt = Stopwatch.GetTimestamp();
                var summaries = await inbox.FetchAsync(known, -1, MessageSummaryItems.Envelope, cancellationToken);
                known = inbox.Count;
                if (summaries.Any(s => s.Envelope?.InReplyTo is { } r && $"<{r}>" == messageId))
                    return Stopwatch.GetElapsedTime(accepted, seenAt).TotalSeconds;
                continue;
            }
            await Task.Delay(5, cancellationToken);
        }
        return null;
    }

    private static void Row(string name, List<double> values) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-44} {Percentile(values, 0.50),7:F3} {Percentile(values, 0.95),7:F3} {Percentile(values, 0.99),7:F3} {(values.Count > 0 ? values.Max() : double.NaN),7:F3}"));

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
