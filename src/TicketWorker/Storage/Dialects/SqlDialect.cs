using System.Data;
using System.Data.Common;
using System.Text;

namespace TicketWorker.Storage.Dialects;

/// <summary>
/// What differs between the databases. The base class speaks the SQL that SQLite and PostgreSQL
/// share (INSERT … ON CONFLICT, RETURNING, LIMIT); SQL Server overrides it.
/// </summary>
internal abstract class SqlDialect
{
    public abstract StorageProvider Provider { get; }

    public abstract string DisplayName { get; }

    /// <summary>Folder of the numbered migration scripts (embedded as migrations/FOLDER/NNN_name.sql).</summary>
    public abstract string MigrationFolder { get; }

    public abstract string CreateSchemaVersionTableSql { get; }

    /// <summary>Takes the next ticket number from the counter row; its row lock serializes creators until commit.</summary>
    public virtual string NextTicketNumberSql =>
        "UPDATE counters SET value = value + 1 WHERE name = 'ticket_number' RETURNING value";

    /// <summary>Placed between the column list and VALUES of an INSERT to return the new id (SQL Server).</summary>
    public virtual string OutputId => string.Empty;

    /// <summary>Placed after VALUES (…) of an INSERT to return the new id (SQLite, PostgreSQL).</summary>
    public virtual string ReturningId => "RETURNING id";

    /// <summary>Claims due outbox rows and returns <paramref name="columns"/> of them.</summary>
    public abstract string ClaimDueSql(IReadOnlyList<string> columns);

    public virtual string AcquireLeaseSql => """
        INSERT INTO mailbox_leases (mailbox, owner, expires_at) VALUES (@Mailbox, @Owner, @Until)
        ON CONFLICT (mailbox) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
        WHERE mailbox_leases.owner = excluded.owner OR mailbox_leases.expires_at <= @Now
        """;

    /// <summary>Selects the blob of raw_mail by @Sha256; the content column is at <see cref="SelectRawContentOrdinal"/>.</summary>
    public virtual string SelectRawSql => "SELECT content FROM raw_mail WHERE sha256 = @Sha256";

    public virtual int SelectRawContentOrdinal => 0;

    public static SqlDialect For(StorageProvider provider) => provider switch
    {
        StorageProvider.Sqlite => new SqliteDialect(),
        StorageProvider.Postgres => new PostgresDialect(),
        StorageProvider.SqlServer => new SqlServerDialect(),
        _ => throw new StorageException($"Unknown database provider '{provider}'."),
    };

    public abstract DbConnection CreateConnection(string connectionString);

    /// <summary>Checks the connection string and adds the provider's defaults (timeouts, pragmas).</summary>
    public abstract string PrepareConnectionString(string connectionString, TimeSpan commandTimeout);

    /// <summary>Where the connection string points, without credentials, for error messages.</summary>
    public abstract string Describe(string connectionString);

    public virtual Task OnOpenedAsync(DbConnection connection, int commandTimeoutSeconds, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public virtual async Task<DbTransaction> BeginTransactionAsync(DbConnection connection, bool readOnly, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

    /// <summary>Serializes migrations across processes for the life of the transaction.</summary>
    public abstract Task LockForMigrationAsync(DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>SQL that runs before the migration transaction (e.g. SQLite's journal mode).</summary>
    public virtual string? BeforeMigrationSql => null;

    /// <summary>
    /// Inserts a row unless one with the same <paramref name="uniqueColumn"/> exists; the command
    /// returns the new id, or no row when it existed. Parameters are the PascalCase of the columns.
    /// </summary>
    public virtual string InsertIfAbsent(string table, string uniqueColumn, params string[] columns) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({Parameters(columns)}) ON CONFLICT ({uniqueColumn}) DO NOTHING RETURNING id";

    /// <summary>Inserts a row or, when the key exists, updates <paramref name="updateColumns"/> (none: keep the row).</summary>
    public virtual string Upsert(string table, string[] keyColumns, string[] updateColumns, params string[] columns)
    {
        var sql = new StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({Parameters(columns)}) ON CONFLICT ({string.Join(", ", keyColumns)}) ");
        sql.Append(updateColumns.Length == 0
            ? "DO NOTHING"
            : "DO UPDATE SET " + string.Join(", ", updateColumns.Select(c => $"{c} = excluded.{c}")));
        return sql.ToString();
    }

    /// <summary>Stores raw bytes under their hash unless present, streaming <paramref name="content"/> into the row.</summary>
    public virtual async Task InsertRawAsync(DbTransaction transaction, string sha256, long size, Stream content, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = InsertIfAbsent("raw_mail", "sha256", "sha256", "size", "content", "created_at").Replace(" RETURNING id", string.Empty, StringComparison.Ordinal).Replace(" OUTPUT inserted.id", string.Empty, StringComparison.Ordinal);
        AddParameter(command, "Sha256", DbType.String, sha256);
        AddParameter(command, "Size", DbType.Int64, size);
        var created = command.CreateParameter();
        created.ParameterName = "CreatedAt";
        new UtcTimeHandler().SetValue(created, createdAt);
        command.Parameters.Add(created);
        command.Parameters.Add(CreateStreamParameter(command, "Content", content, size));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A parameter that streams <paramref name="content"/> to the server instead of copying it into memory.</summary>
    protected virtual DbParameter CreateStreamParameter(DbCommand command, string name, Stream content, long size) =>
        throw new NotSupportedException($"{DisplayName} cannot stream parameters.");

    protected static void AddParameter(DbCommand command, string name, DbType type, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>A condition "column is one of the list parameter"; Dapper expands <c>IN @List</c> into one parameter per value.</summary>
    public virtual string InList(string column, string parameter) => $"{column} IN @{parameter}";

    /// <summary>A SELECT of at most <paramref name="count"/> rows: <c>SELECT {Top} … {Limit}</c>.</summary>
    public virtual string Top(int count) => string.Empty;

    /// <inheritdoc cref="Top"/>
    public virtual string Limit(int count) => $"LIMIT {count}";

    /// <summary>The parameter list <c>@A, @B</c> for snake_case columns a, b.</summary>
    public static string Parameters(IEnumerable<string> columns) =>
        string.Join(", ", columns.Select(c => "@" + ParameterName(c)));

    /// <summary>PascalCase parameter name of a snake_case column (ticket_id → TicketId).</summary>
    public static string ParameterName(string column) =>
        string.Concat(column.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}
