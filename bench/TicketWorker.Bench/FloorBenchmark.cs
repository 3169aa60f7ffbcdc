using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using MimeKit;
using TicketWorker.Mail.Quotes;
using TicketWorker.Mail.Reading;
using TicketWorker.Storage;

namespace TicketWorker.Bench;

/// <summary>
/// The least an intake of the backlog set must spend on this machine, measured piece by piece
/// without any of our ticket logic: MimeKit's parse alone; the reading layer as intake's parse
/// stage runs it (parse, text, new text); and the fewest writes that keep a message findable
/// (one ticket row per first message, one message row with its text and HTML) in our SQLite
/// schema, one transaction per batch as intake commits. With the cores, it bounds the intake's
/// messages/s from above, to compare with <c>ingest</c>'s raw download rate.
/// </summary>
internal sealed class FloorBenchmark : IBenchmark
{
    public string Name => "floor";

    public string Usage => "[--messages N (10000)] [--batch B (500)] [--raw-rate R (raw download msg/s from 'ingest', for the ratio)]  the least the intake of the backlog set costs here";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var count = Options.Int(args, "--messages", 10_000);
        var batch = Options.Int(args, "--batch", 500);
        var rawRate = Options.Int(args, "--raw-rate", 0);
        var raws = Enumerable.Range(0, count).Select(BacklogSet.Message).ToList();
        var megabytes = raws.Sum(r => (long)r.Length) / 1048576.0;
        Console.WriteLine($"floor: backlog set, {count:N0} messages, {megabytes:F1} MB (no 50 MB message), {Environment.ProcessorCount} cores, .NET {Environment.Version}");

        var mimeKit = Cpu(() => Parallel.ForEach(raws, raw =>
        {
            using var stream = new MemoryStream(raw, writable: false);
            _ = MimeMessage.Load(stream, persistent: true);
        }));
        Print("MimeKit parse alone", mimeKit, count);

        var bodies = new (string? Text, string? Html, string NewText)[count];
        var reading = Cpu(() => Parallel.For(0, count, i =>
        {
            using var stream = new MemoryStream(raws[i], writable: false);
            var message = MessageReader.ReadAsync(stream).GetAwaiter().GetResult();
            bodies[i] = (message.TextBody, message.HtmlBody, "");
        }));
        Print("reading layer (MessageReader)", reading, count);
        var quotes = Cpu(() => Parallel.For(0, count, i => bodies[i].NewText = ReplyText.Extract(bodies[i].Text, bodies[i].Html).NewText));
        Print("new text (quote stripping)", quotes, count);
        reading = new Cost(reading.Wall + quotes.Wall, reading.Cpu + quotes.Cpu, reading.Allocated + quotes.Allocated);

        var folder = Path.Combine(Path.GetTempPath(), "tw-bench-floor-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var writing = await WriteAsync(Path.Combine(folder, "tw.db"), raws, bodies, batch, cancellationToken);
            Print($"2 rows per message, {batch} per commit", writing, count);

            // Parsing runs beside the single writer: the wall time is at least the writer's, and at least all CPU over the cores.
            var bound = Math.Max(writing.Wall, (reading.Cpu + writing.Cpu) / Environment.ProcessorCount);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"bound: at least {bound:F2} s for {count:N0} messages = at most {count / bound:F0} msg/s (reading + writing, {Environment.ProcessorCount} cores, no ticket logic, no IMAP)"));
            if (rawRate > 0)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"vs a raw download of {rawRate} msg/s: at most {count / bound / rawRate:P1}; 20 % needs {count / (0.2 * rawRate):F2} s"));
            // What 'ingest' reads when it runs this as a child: messages, seconds, then notes that start with the bytes read.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT {count} {bound:F3} {raws.Sum(r => (long)r.Length)} bytes; the least the intake can take here: reading {reading.Cpu:F1} s CPU + writing 2 rows per message {writing.Wall:F1} s, no ticket logic, no IMAP (bench 'floor')"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
        return 0;
    }

    private sealed record Cost(double Wall, double Cpu, long Allocated = 0);

    private static Cost Cpu(Action work)
    {
        GC.Collect();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        work();
        return new Cost(watch.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds,
            GC.GetTotalAllocatedBytes(precise: true) - allocated);
    }

    private static void Print(string label, Cost cost, int count) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {label,-34} wall {cost.Wall,6:F2} s  CPU {cost.Cpu,6:F2} s  {cost.Cpu * 1e6 / count,6:F0} µs CPU/msg  {count / cost.Wall,7:F0} msg/s  allocated {cost.Allocated / 1048576.0,6:F0} MB"));

    /// <summary>Our schema (migrations, all indexes), WAL as the worker runs it; prepared statements, the ticket of a reply known without a lookup.</summary>
    private static async Task<Cost> WriteAsync(string path, IReadOnlyList<byte[]> raws, (string? Text, string? Html, string NewText)[] bodies, int batch,
        CancellationToken cancellationToken)
    {
        var database = new StorageDatabase(new StorageOptions
        {
            Provider = StorageProvider.Sqlite,
            ConnectionString = $"Data Source={path}",
            RawMailPath = Path.Combine(Path.GetDirectoryName(path)!, "raw"),
        });
        await database.MigrateAsync(cancellationToken);
        await using var connection = (SqliteConnection)await database.OpenConnectionAsync(cancellationToken);
        var ticketOf = new Dictionary<string, long>(StringComparer.Ordinal);
        var now = UtcTimeHandler.ToSqliteText(DateTimeOffset.UtcNow);
        return Cpu(() =>
        {
            for (var start = 0; start < raws.Count; start += batch)
            {
                using var tx = connection.BeginTransaction();
                using var ticket = Command(connection, tx, """
                    INSERT INTO tickets (number, subject, normalized_subject, status, priority, customer_address, created_at, updated_at, reply_token)
                    VALUES (@Number, @Subject, @Subject, 'open', 'normal', @From, @Now, @Now, @Token) RETURNING id
                    """, "@Number", "@Subject", "@From", "@Now", "@Token");
                using var message = Command(connection, tx, """
                    INSERT INTO messages (ticket_id, direction, kind, message_id, in_reply_to, reference_ids, from_address, to_addresses, subject,
                        text_body, html_body, new_text, raw_reference, raw_size, received_at)
                    VALUES (@Ticket, 'inbound', 'customer', @MessageId, @InReplyTo, '[]', @From, '["support@example.test"]', @Subject,
                        @Text, @Html, @NewText, @Raw, @Size, @Now)
                    """, "@Ticket", "@MessageId", "@InReplyTo", "@From", "@Subject", "@Text", "@Html", "@NewText", "@Raw", "@Size", "@Now");
                for (var i = start; i < Math.Min(raws.Count, start + batch); i++)
                {
                    var (messageId, inReplyTo, from, subject) = Envelope(raws[i]);
                    if (inReplyTo is null || !ticketOf.TryGetValue(inReplyTo, out var ticketId))
                    {
                        Set(ticket, i + 1, subject, from, now, Guid.NewGuid().ToString("N"));
                        ticketId = (long)ticket.ExecuteScalar()!;
                    }
                    ticketOf[messageId] = ticketId;
                    Set(message, ticketId, messageId, inReplyTo, from, subject, bodies[i].Text, bodies[i].Html, bodies[i].NewText,
                        $"segment:{i}", raws[i].Length, now);
                    message.ExecuteNonQuery();
                }
                tx.Commit();
            }
        });
    }

    /// <summary>The few header fields the writes need, found without parsing (the set writes them in a fixed form).</summary>
    private static (string MessageId, string? InReplyTo, string From, string Subject) Envelope(byte[] raw)
    {
        var head = System.Text.Encoding.ASCII.GetString(raw, 0, Math.Min(raw.Length, 2048));
        string? Field(string name)
        {
            var at = head.IndexOf("\r\n" + name + ": ", StringComparison.Ordinal);
            if (at < 0) return null;
            at += name.Length + 4;
            return head[at..head.IndexOf("\r\n", at, StringComparison.Ordinal)].Trim('<', '>');
        }
        return (Field("Message-ID")!, Field("In-Reply-To"), Field("Return-Path") ?? "", Field("Subject") ?? "");
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction tx, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var name in names) command.Parameters.Add(new SqliteParameter { ParameterName = name });
        command.Prepare();
        return command;
    }

    private static void Set(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
    }
}
