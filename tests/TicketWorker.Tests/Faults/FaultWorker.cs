using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using MimeKit;
using Npgsql;
using TicketWorker.Tests.Infrastructure;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Faults;

/// <summary>
/// A configuration folder for the real worker process (<see cref="WorkerProcess"/>) on the fault
/// stack: mailbox support@ (INBOX), SMTP to the stack's Postfix, a fresh SQLite database (or a given
/// PostgreSQL), the shipped templates; plus what the tests ask of the database afterwards.
/// </summary>
public sealed partial class FaultWorker : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <param name="ackMaxPerDay">rules.yaml ack.max_per_day.</param>
    /// <param name="postgres">A PostgreSQL connection string instead of SQLite.</param>
    /// <param name="rawMailPath">Where the raw mail goes (default: beside the database).</param>
    /// <param name="extra">More settings under TicketWorker (JSON members, each followed by a comma).</param>
    /// <param name="imapPort">The IMAP port of support@ (default the stack's Dovecot; its "hosted" Dovecot is BasePort + 6).</param>
    public FaultWorker(PrivateMailStack stack, int ackMaxPerDay = 1000, string? postgres = null, string? rawMailPath = null, string extra = "", string mailboxExtra = "", int? imapPort = null)
    {
        Stack = stack;
        Postgres = postgres;
        RawMailPath = rawMailPath ?? Path.Combine(_dir.Path, "data", "raw");
        Directory.CreateDirectory(Path.Combine(_dir.Path, "data"));
        var database = postgres is null
            ? """{ "Provider": "sqlite", "ConnectionString": "Data Source=../data/tw.db" }"""
            : $$"""{ "Provider": "postgres", "ConnectionString": "{{postgres}}" }""";
        _dir.Write("config/appsettings.json", $$"""
            { "TicketWorker": {
                "Database": {{database}},
                "Storage": { "RawMailPath": "{{RawMailPath}}" },
                "TemplatesPath": "{{Path.Combine(RepoRoot.Path, "templates")}}",
                "Outbox": { "PollInterval": "00:00:00.200", "InitialRetryDelay": "00:00:01", "MaxRetryDelay": "00:00:02", "ClaimDuration": "00:00:10", "SmtpTimeout": "00:00:05", "MaxAttempts": 1000 },
                {{extra}}
                "Mailboxes": [ { "Name": "support", "Address": "support@example.test", "Folder": "INBOX", "FirstStart": "Import", "PollInterval": "00:00:01", {{mailboxExtra}}
                  "Imap": { "Host": "{{PrivateMailStack.Host}}", "Port": {{imapPort ?? stack.ImapPort}}, "Security": "StartTls",
                            "Username": "support@example.test", "Password": "secret", "TrustedCertificate": "{{stack.CertificatePath}}" } } ],
                "Smtp": { "Host": "{{PrivateMailStack.Host}}", "Port": {{stack.SmtpPort}}, "Security": "None" } } }
            """);
        _dir.Write("config/rules.yaml", $"""
            ack:
              enabled: true
              max_per_day: {ackMaxPerDay}
            """);
    }

    public PrivateMailStack Stack { get; }
    public string? Postgres { get; }
    public string RawMailPath { get; }
    public string ConfigDirectory => Path.Combine(_dir.Path, "config");
    public string DatabasePath => Path.Combine(_dir.Path, "data", "tw.db");

    public WorkerProcess Start() => WorkerProcess.Start(ConfigDirectory);

    /// <summary>The worker at Information level; <paramref name="onLine"/> sees each line first (true: not printed).</summary>
    public WorkerProcess Start(Func<string, bool> onLine) => WorkerProcess.Start(ConfigDirectory, "Information", onLine);

    /// <summary>The outbox's sent journals (data/outbox-journal/DATABASE-ID/*.sent-journal).</summary>
    public IReadOnlyList<string> JournalFiles()
    {
        var folder = Path.Combine(_dir.Path, "data", "outbox-journal");
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.sent-journal", SearchOption.AllDirectories) : [];
    }

    /// <summary>A read connection to the worker's database (SQLite read-only, so it never takes the write lock).</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        DbConnection connection = Postgres is null
            ? new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False")
            : new NpgsqlConnection(Postgres + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<List<string?[]>> RowsAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<string?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new string?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The count, or -1 while the database does not exist or is not migrated yet (or is unreachable).</summary>
    public async Task<long> TryScalarAsync(string sql, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ScalarAsync(sql, cancellationToken);
        }
        catch (DbException)
        {
            return -1;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    /// <summary>Polls until <paramref name="done"/> holds for the count (bounded by the test's cancellation); returns the last count.</summary>
    /// <param name="worker">Fails at once when this worker process ends meanwhile.</param>
    public async Task<long> WaitForAsync(string sql, Func<long, bool> done, CancellationToken cancellationToken, int pollMs = 50, WorkerProcess? worker = null)
    {
        while (true)
        {
            var count = await TryScalarAsync(sql, cancellationToken);
            if (done(count)) return count;
            if (worker is { HasExited: true }) Assert.Fail($"the worker exited with code {worker.ExitCode} while waiting for {sql} (at {count})");
            await Task.Delay(pollMs, cancellationToken);
        }
    }

    public const string Tickets = "SELECT COUNT(*) FROM tickets";
    public const string SentAcks = "SELECT COUNT(*) FROM outbox WHERE kind = 'ack' AND status = 'sent'";

    /// <summary>
    /// Every inbound message of the given Message-IDs is in exactly one ticket, once; none is
    /// quarantined; ticket and message counts match (no ticket duplicated).
    /// </summary>
    public async Task AssertEachMessageInExactlyOneTicketAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        var rows = await RowsAsync("SELECT message_id, ticket_id FROM messages WHERE direction = 'inbound'", cancellationToken);
        var byId = rows.GroupBy(r => r[0]!).ToDictionary(g => g.Key, g => g.Count());
        var missing = messageIds.Where(id => !byId.ContainsKey(id)).ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(missing, Is.Empty, "messages in no ticket");
            Assert.That(byId.Where(kv => kv.Value > 1).Select(kv => kv.Key), Is.Empty, "messages stored twice");
            Assert.That(rows.Select(r => r[1]).Distinct().Count(), Is.EqualTo(messageIds.Count), "one ticket per message");
            Assert.That(await ScalarAsync(Tickets, cancellationToken), Is.EqualTo(messageIds.Count), "tickets");
            Assert.That(await ScalarAsync("SELECT COUNT(*) FROM quarantine", cancellationToken), Is.Zero, "quarantined");
        });
    }

    /// <summary>
    /// The acknowledgements of this worker in the customers' INBOXes: per ticket number (the [#N] of
    /// the subject), the distinct Message-IDs, how many copies arrived, and the distinct Postfix queue
    /// IDs of those copies (one per time the worker handed the mail over and Postfix accepted it; a
    /// Postfix stopped in the middle of its own LMTP delivery delivers that queue file again after its
    /// restart, a second copy with the same queue ID). Only mail whose Message-ID is in this worker's
    /// outbox counts: Postfix may still be delivering an earlier test's mail to the same customers,
    /// with the same ticket numbers (every test starts a fresh database).
    /// </summary>
    public async Task<Dictionary<long, (HashSet<string> Ids, int Copies, HashSet<string> Submissions)>> AcksInInboxesAsync(IEnumerable<string> customers, CancellationToken cancellationToken)
    {
        var ours = (await RowsAsync("SELECT message_id FROM outbox", cancellationToken))
            .Select(r => BareId(r[0]))
            .ToHashSet(StringComparer.Ordinal);
        var result = new Dictionary<long, (HashSet<string> Ids, int Copies, HashSet<string> Submissions)>();
        foreach (var customer in customers)
        {
            foreach (var headers in await Stack.InboxHeadersAsync(customer, cancellationToken))
            {
                if (headers[HeaderId.From]?.Contains("support@example.test", StringComparison.OrdinalIgnoreCase) != true) continue;
                if (!ours.Contains(BareId(headers[HeaderId.MessageId]))) continue;
                var match = TicketTag().Match(headers[HeaderId.Subject] ?? "");
                if (!match.Success) continue;
                var number = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                if (!result.TryGetValue(number, out var entry)) entry = ([], 0, []);
                entry.Ids.Add(headers[HeaderId.MessageId] ?? "");
                foreach (var received in headers.Where(h => h.Id == HeaderId.Received))
                    if (PostfixQueueId().Match(received.Value) is { Success: true } queueId) entry.Submissions.Add(queueId.Groups[1].Value);
                result[number] = (entry.Ids, entry.Copies + 1, entry.Submissions);
            }
        }
        return result;
    }

    private static string BareId(string? messageId) => (messageId ?? "").Trim().Trim('<', '>');

    [GeneratedRegex(@"\[#(\d+)\]")]
    private static partial Regex TicketTag();

    /// <summary>The queue ID in Postfix's own Received line: "by host (Postfix) with ESMTP id 4F664B20189".</summary>
    [GeneratedRegex(@"\(Postfix\)\s+with\s+\S+\s+id\s+(\w+)")]
    private static partial Regex PostfixQueueId();

    /// <summary>The peak resident set (VmHWM) of a running process, in MB.</summary>
    public static double PeakRssMb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        throw new InvalidOperationException("no VmHWM for " + pid);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
