using System.Data.Common;
using System.Text;
using Microsoft.Data.SqlClient;

namespace TicketWorker.Storage.Dialects;

/// <summary>
/// SQL Server: times are datetime2(7) holding UTC; no ON CONFLICT, so inserts that may collide take
/// UPDLOCK/HOLDLOCK on the key first; outbox claims use READPAST; migrations serialize on sp_getapplock.
/// </summary>
internal sealed class SqlServerDialect : SqlDialect
{
    public override StorageProvider Provider => StorageProvider.SqlServer;

    public override string DisplayName => "SQL Server";

    public override string MigrationFolder => "SqlServer";

    public override string CreateSchemaVersionTableSql =>
        "IF OBJECT_ID(N'schema_version', N'U') IS NULL CREATE TABLE schema_version (version int NOT NULL PRIMARY KEY, applied_at datetime2(7) NOT NULL)";

    public override string NextTicketNumberSql =>
        "UPDATE counters SET value = value + 1 OUTPUT inserted.value WHERE name = 'ticket_number'";

    public override string OutputId => "OUTPUT inserted.id";

    public override string ReturningId => string.Empty;

    public override string AcquireLeaseSql => """
        UPDATE mailbox_leases WITH (UPDLOCK, SERIALIZABLE) SET owner = @Owner, expires_at = @Until
        WHERE mailbox = @Mailbox AND (owner = @Owner OR expires_at <= @Now);
        IF @@ROWCOUNT = 0 AND NOT EXISTS (SELECT 1 FROM mailbox_leases WITH (UPDLOCK, HOLDLOCK) WHERE mailbox = @Mailbox)
            INSERT INTO mailbox_leases (mailbox, owner, expires_at) VALUES (@Mailbox, @Owner, @Until);
        """;

    public override string ClaimDueSql(IReadOnlyList<string> columns) => $"""
        WITH due AS (
            SELECT TOP (@BatchSize) * FROM outbox WITH (UPDLOCK, READPAST, ROWLOCK)
            WHERE (status = 'queued' AND next_attempt_at <= @Now) OR (status = 'sending' AND claimed_until <= @Now)
            ORDER BY next_attempt_at, id)
        UPDATE due SET status = 'sending', claimed_by = @Worker, claimed_until = @ClaimUntil, attempts = attempts + 1
        OUTPUT {string.Join(", ", columns.Select(c => "inserted." + c))};
        """;

    public override string InsertIfAbsent(string table, string uniqueColumn, params string[] columns) =>
        $"IF NOT EXISTS (SELECT 1 FROM {table} WITH (UPDLOCK, HOLDLOCK) WHERE {uniqueColumn} = @{ParameterName(uniqueColumn)}) " +
        $"INSERT INTO {table} ({string.Join(", ", columns)}) OUTPUT inserted.id VALUES ({Parameters(columns)})";

    public override string Upsert(string table, string[] keyColumns, string[] updateColumns, params string[] columns)
    {
        var where = string.Join(" AND ", keyColumns.Select(c => $"{c} = @{ParameterName(c)}"));
        var insert = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({Parameters(columns)})";
        if (updateColumns.Length == 0)
        {
            return $"IF NOT EXISTS (SELECT 1 FROM {table} WITH (UPDLOCK, HOLDLOCK) WHERE {where}) {insert}";
        }

        var sql = new StringBuilder();
        sql.Append($"UPDATE {table} WITH (UPDLOCK, SERIALIZABLE) SET ");
        sql.Append(string.Join(", ", updateColumns.Select(c => $"{c} = @{ParameterName(c)}")));
        sql.Append($" WHERE {where}; IF @@ROWCOUNT = 0 {insert};");
        return sql.ToString();
    }

    public override string Top(int count) => $"TOP ({count})";

    public override string Limit(int count) => string.Empty;

    public override DbConnection CreateConnection(string connectionString) => new SqlConnection(connectionString);

    public override string PrepareConnectionString(string connectionString, TimeSpan commandTimeout)
    {
        try
        {
            return new SqlConnectionStringBuilder(connectionString).ConnectionString;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new StorageException($"Invalid SQL Server connection string: {StorageDatabase.OneLine(ex.Message)}", ex);
        }
    }

    public override string Describe(string connectionString)
    {
        var builder = new SqlConnectionStringBuilder(connectionString);
        return $"{builder.DataSource}/{builder.InitialCatalog}";
    }

    // SqlClient streams a Stream value of a varbinary(max) parameter (Size -1) instead of buffering it.
    protected override DbParameter CreateStreamParameter(DbCommand command, string name, Stream content, long size) =>
        new SqlParameter(name, System.Data.SqlDbType.VarBinary, -1) { Value = content };

    public override async Task LockForMigrationAsync(DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            DECLARE @result int;
            EXEC @result = sp_getapplock @Resource = 'ticketworker.migrate', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 120000;
            SELECT @result;
            """;
        var result = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        if (result < 0)
        {
            throw new StorageException($"Could not take the migration lock on SQL Server (sp_getapplock returned {result}).");
        }
    }
}
