using System.Data.Common;
using Npgsql;

namespace TicketWorker.Storage.Dialects;

/// <summary>
/// PostgreSQL: times are timestamptz (UTC); migrations serialize on a transaction-level advisory
/// lock; outbox claims skip rows other workers have locked (FOR UPDATE SKIP LOCKED).
/// </summary>
internal sealed class PostgresDialect : SqlDialect
{
    // Any constant shared by all workers of one database; spells "TW-MIGR" in ASCII.
    private const long MigrationLockKey = 0x54572D4D494752;

    public override StorageProvider Provider => StorageProvider.Postgres;

    public override string DisplayName => "PostgreSQL";

    public override string MigrationFolder => "Postgres";

    public override string CreateSchemaVersionTableSql =>
        "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)";

    public override string ClaimDueSql(IReadOnlyList<string> columns) => $"""
        UPDATE outbox SET status = 'sending', claimed_by = @Worker, claimed_until = @ClaimUntil, attempts = attempts + 1
        WHERE id IN (
            SELECT id FROM outbox
            WHERE (status = 'queued' AND next_attempt_at <= @Now) OR (status = 'sending' AND claimed_until <= @Now)
            ORDER BY next_attempt_at, id LIMIT @BatchSize
            FOR UPDATE SKIP LOCKED)
        RETURNING {string.Join(", ", columns)}
        """;

    // Dapper hands a list to Npgsql as one array parameter, which IN cannot take.
    public override string InList(string column, string parameter) => $"{column} = ANY(@{parameter})";

    public override DbConnection CreateConnection(string connectionString) => new NpgsqlConnection(connectionString);

    public override string PrepareConnectionString(string connectionString, TimeSpan commandTimeout)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString)
            {
                CommandTimeout = (int)Math.Ceiling(commandTimeout.TotalSeconds),
            };
            // The same few dozen statements run for every message: prepared on the server once per
            // connection instead of parsed and planned each time (10,000-message intake 70 s -> 54 s,
            // docs/performance.md). An explicit "Max Auto Prepare" wins, e.g. 0 behind PgBouncer in transaction mode.
            if (!Mentions(connectionString, "Max Auto Prepare", "MaxAutoPrepare")) builder.MaxAutoPrepare = AutoPreparedStatements;
            return builder.ConnectionString;
        }
        catch (ArgumentException ex)
        {
            throw new StorageException($"Invalid PostgreSQL connection string: {StorageDatabase.OneLine(ex.Message)}", ex);
        }
    }

    /// <summary>Statements kept prepared per connection when the connection string does not say.</summary>
    internal const int AutoPreparedStatements = 64;

    private static bool Mentions(string connectionString, params string[] keys)
    {
        var parsed = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return keys.Any(parsed.ContainsKey);
    }

    public override string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database} as {builder.Username}";
    }

    // Npgsql writes a Stream value of a bytea parameter to the socket as it reads it.
    protected override DbParameter CreateStreamParameter(DbCommand command, string name, Stream content, long size) =>
        new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Bytea) { Value = content };

    public override async Task LockForMigrationAsync(DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT pg_advisory_xact_lock({MigrationLockKey})";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
