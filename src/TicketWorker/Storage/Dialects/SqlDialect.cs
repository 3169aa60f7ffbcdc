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
