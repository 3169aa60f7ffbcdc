using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Dapper;
using Npgsql;
using TicketWorker.Storage;
using TicketWorker.Storage.Dialects;

namespace TicketWorker.Bench;

/// <summary>
/// The escalation scan's candidate queries over N synthetic tickets (default 1,000,000) on SQLite and
/// PostgreSQL: 70 % closed, 20 % open (escalation checks spread over 30 days, about 0.7 % due now),
/// 10 % pending (since 0-14 days; auto-close after 7). Prints each query's plan and the median time of
/// the due batch (200 ids) over repeated runs. A fresh SQLite file / PostgreSQL database, dropped after.
/// </summary>
internal sealed class EscalationScanBenchmark : IBenchmark
{
    private const int Batch = 200;
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    public string Name => "escalation-scan";

    public string Usage => "[--tickets N (default 1000000)] [--provider sqlite|postgres|both] [--runs R (default 20)] [--postgres CONNSTR]  scan query plans and times";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var tickets = Option(args, "--tickets") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 1_000_000;
        var runs = Option(args, "--runs") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 20;
        var provider = Option(args, "--provider") ?? "both";
        var postgres = Option(args, "--postgres") ?? Environment.GetEnvironmentVariable("TICKETWORKER_TEST_POSTGRES")
            ?? "Host=127.0.0.1;Port=15432;Username=ticketworker;Password=ticketworker;Database=ticketworker";
        if (provider is "sqlite" or "both") await SqliteAsync(tickets, runs, cancellationToken);
        if (provider is "postgres" or "both") await PostgresAsync(postgres, tickets, runs, cancellationToken);
        return 0;
    }

    private static async Task SqliteAsync(int tickets, int runs, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "tw-bench-scan-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var database = new StorageDatabase(new StorageOptions
            {
                Provider = StorageProvider.Sqlite,
                ConnectionString = $"Data Source={Path.Combine(folder, "tw.db")}",
                RawMailPath = Path.Combine(folder, "raw"),
            });
            await database.MigrateAsync(cancellationToken);
            var fill = Stopwatch.StartNew();
            await using (var connection = await database.OpenConnectionAsync(cancellationToken))
            {
                await using var tx = await connection.BeginTransactionAsync(cancellationToken);
                // Times as stored (fixed-width UTC text); minutes and seconds from 2026-01-01 and from "now".
                await connection.ExecuteAsync(new CommandDefinition($$"""
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {{tickets}})
                    INSERT INTO tickets (number, subject, normalized_subject, status, priority, team, owner, customer_address, tags,
                        created_at, updated_at, first_response_due_at, resolution_due_at, pending_since, escalation_check_at)
                    SELECT i, 'Synthetic ' || i, 'synthetic ' || i,
                        CASE WHEN i % 10 < 7 THEN 'closed' WHEN i % 10 < 9 THEN 'open' ELSE 'pending' END,
                        'normal', 'support', 'agent' || (i % 20) || '@example.test', 'customer' || (i % 50000) || '@example.test', '[]',
                        strftime('%Y-%m-%dT%H:%M:%S.0000000Z', '2026-01-01', '+' || (i * 30) || ' seconds'),
                        strftime('%Y-%m-%dT%H:%M:%S.0000000Z', '2026-01-01', '+' || (i * 30) || ' seconds'),
                        strftime('%Y-%m-%dT%H:%M:%S.0000000Z', '2026-01-01', '+' || (i * 30 + 14400) || ' seconds'),
                        strftime('%Y-%m-%dT%H:%M:%S.0000000Z', '2026-01-01', '+' || (i * 30 + 432000) || ' seconds'),
                        CASE WHEN i % 10 = 9 THEN strftime('%Y-%m-%dT%H:%M:%S.0000000Z', '2026-12-01 12:00:00', '-' || ((i * 31) % 20160) || ' minutes') END,
                        CASE WHEN i % 10 IN (7, 8) THEN strftime('%Y-%m-%dT%H:%M:%S.0000000Z', '2026-12-01 12:00:00', (((i * 7919) % 43200) - 300) || ' minutes') END
                    FROM n
                    """, transaction: tx, commandTimeout: 3600, cancellationToken: cancellationToken));
                await tx.CommitAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition("ANALYZE tickets", cancellationToken: cancellationToken));
                Console.WriteLine($"escalation-scan SQLite: {tickets:N0} tickets written in {fill.Elapsed.TotalSeconds:F1} s");
                await ReportAsync(connection, SqlDialect.For(StorageProvider.Sqlite), "SQLite", runs, "EXPLAIN QUERY PLAN ",
                    v => "'" + UtcTimeHandler.ToSqliteText(v) + "'", cancellationToken);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task PostgresAsync(string admin, int tickets, int runs, CancellationToken cancellationToken)
    {
        var name = "tw_bench_scan_" + Guid.NewGuid().ToString("N")[..8];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(cancellationToken);
            await connection.ExecuteAsync($"CREATE DATABASE {name}");
        }

        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name, CommandTimeout = 3600 }.ConnectionString;
        try
        {
            var database = new StorageDatabase(new StorageOptions
            {
                Provider = StorageProvider.Postgres,
                ConnectionString = connectionString,
                RawMailPath = Path.Combine(Path.GetTempPath(), name),
            });
            await database.MigrateAsync(cancellationToken);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            var fill = Stopwatch.StartNew();
            await connection.ExecuteAsync(new CommandDefinition($$"""
                INSERT INTO tickets (number, subject, normalized_subject, status, priority, team, owner, customer_address, tags,
                    created_at, updated_at, first_response_due_at, resolution_due_at, pending_since, escalation_check_at)
                SELECT i, 'Synthetic ' || i, 'synthetic ' || i,
                    CASE WHEN i % 10 < 7 THEN 'closed' WHEN i % 10 < 9 THEN 'open' ELSE 'pending' END,
                    'normal', 'support', 'agent' || (i % 20) || '@example.test', 'customer' || (i % 50000) || '@example.test', '[]',
                    timestamptz '2026-01-01Z' + i * interval '30 seconds',
                    timestamptz '2026-01-01Z' + i * interval '30 seconds',
                    timestamptz '2026-01-01Z' + i * interval '30 seconds' + interval '4 hours',
                    timestamptz '2026-01-01Z' + i * interval '30 seconds' + interval '5 days',
                    CASE WHEN i % 10 = 9 THEN timestamptz '2026-12-01 12:00Z' - ((i::bigint * 31) % 20160) * interval '1 minute' END,
                    CASE WHEN i % 10 IN (7, 8) THEN timestamptz '2026-12-01 12:00Z' + (((i::bigint * 7919) % 43200) - 300) * interval '1 minute' END
                FROM generate_series(1, {{tickets}}) AS i
                """, commandTimeout: 3600, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("ANALYZE tickets", cancellationToken: cancellationToken));
            Console.WriteLine($"escalation-scan PostgreSQL: {tickets:N0} tickets written in {fill.Elapsed.TotalSeconds:F1} s");
            await ReportAsync(connection, SqlDialect.For(StorageProvider.Postgres), "PostgreSQL", runs, "EXPLAIN (ANALYZE, BUFFERS) ",
                v => "timestamptz '" + v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z'", cancellationToken);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync(CancellationToken.None);
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    // The plan of each candidate query (literal times in place of the parameters), then timed runs with parameters.
    private static async Task ReportAsync(DbConnection connection, SqlDialect dialect, string label, int runs, string explain,
        Func<DateTimeOffset, string> literal, CancellationToken cancellationToken)
    {
        // Parameters as the stores bind them: SQLite compares fixed-width UTC text, PostgreSQL timestamptz.
        object Time(DateTimeOffset v) => dialect.Provider == StorageProvider.Sqlite ? UtcTimeHandler.ToSqliteText(v) : v;
        var cutoff = Now.AddDays(-7);
        (string Name, string Sql, object Parameters, string Literal)[] queries =
        [
            ("escalation due", SqlTicketStore.EscalationDueSql(dialect, Batch), new { Now = Time(Now) }, SqlTicketStore.EscalationDueSql(dialect, Batch).Replace("@Now", literal(Now), StringComparison.Ordinal)),
            ("auto-close due", SqlTicketStore.AutoCloseDueSql(dialect, Batch), new { Cutoff = Time(cutoff) }, SqlTicketStore.AutoCloseDueSql(dialect, Batch).Replace("@Cutoff", literal(cutoff), StringComparison.Ordinal)),
        ];
        var dueCount = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM tickets WHERE escalation_check_at <= @Now", new { Now = Time(Now) }, cancellationToken: cancellationToken));
        Console.WriteLine($"  tickets with an escalation check due: {dueCount:N0}");
        foreach (var (name, sql, parameters, plain) in queries)
        {
            Console.WriteLine($"  {label} plan of the {name} query:");
            foreach (var row in await connection.QueryAsync(new CommandDefinition(explain + plain, cancellationToken: cancellationToken)))
            {
                var cells = (IDictionary<string, object>)row;
                Console.WriteLine("    " + (cells.TryGetValue("detail", out var detail) ? detail : string.Join(" | ", cells.Values)));
            }

            var times = new List<double>();
            var rows = 0;
            for (var i = 0; i < runs; i++)
            {
                var watch = Stopwatch.StartNew();
                rows = (await connection.QueryAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).Count();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            Console.WriteLine($"  {label} {name}: {rows} rows, median {times[times.Count / 2]:F2} ms, max {times[^1]:F2} ms over {runs} runs");
        }
    }

    private static string? Option(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name) return args[i + 1];
        }

        return null;
    }
}
