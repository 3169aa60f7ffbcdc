using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace TicketWorker.Storage.Dialects;

/// <summary>
/// SQLite: one writer at a time. Write units of work start with BEGIN IMMEDIATE, so they queue on
/// the file lock (busy timeout) instead of failing when they upgrade. Times are TEXT as
/// Microsoft.Data.Sqlite writes a UTC DateTimeOffset (yyyy-MM-dd HH:mm:ss.FFFFFFF+00:00), which
/// sorts and compares as strings (see UtcTimeHandler).
/// </summary>
internal sealed class SqliteDialect : SqlDialect
{
    public override StorageProvider Provider => StorageProvider.Sqlite;

    public override string DisplayName => "SQLite";

    public override string MigrationFolder => "Sqlite";

    public override string CreateSchemaVersionTableSql =>
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)";

    /// <summary>
    /// A new database gets 8 KB pages (a page size is fixed once the file has its first table; an existing one keeps
    /// its own). A message's texts fill overflow pages, and SQLite writes each page with two system calls into the
    /// write-ahead log (frame header, page) and two more when it is copied into the database file: twice the page
    /// size halves them. Alternated intake runs of 10,000 messages: −5 % with 8 KB, about the same with 16 KB but
    /// peak RSS +4 MB; before the statement journal went (SqliteStatement.WithoutReturningId), 16 KB pages were slower.
    /// </summary>
    public override string? BeforeMigrationSql => "PRAGMA page_size = 8192; PRAGMA journal_mode = WAL";

    public override string ClaimDueSql(IReadOnlyList<string> columns) => $"""
        UPDATE outbox SET status = 'sending', claimed_by = @Worker, claimed_until = @ClaimUntil, attempts = attempts + 1
        WHERE id IN (
            SELECT id FROM outbox
            WHERE (status = 'queued' AND next_attempt_at <= @Now) OR (status = 'sending' AND claimed_until <= @Now)
            ORDER BY next_attempt_at, id LIMIT @BatchSize)
        RETURNING {string.Join(", ", columns)}
        """;

    // GetStream streams from the table (incremental blob I/O) only when the rowid is in the result.
    public override string SelectRawSql => "SELECT rowid, content FROM raw_mail WHERE sha256 = @Sha256";

    public override int SelectRawContentOrdinal => 1;

    /// <summary>Reserves the blob with zeroblob(size), then writes it through SqliteBlob piece by piece.</summary>
    public override async Task InsertRawAsync(DbTransaction transaction, string sha256, long size, Stream content, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)transaction.Connection!;
        long rowId;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = (SqliteTransaction)transaction;
            command.CommandText = "INSERT INTO raw_mail (sha256, size, content, created_at) VALUES (@Sha256, @Size, zeroblob(@Size), @CreatedAt) ON CONFLICT (sha256) DO NOTHING RETURNING rowid";
            command.Parameters.AddWithValue("@Sha256", sha256);
            command.Parameters.AddWithValue("@Size", size);
            command.Parameters.AddWithValue("@CreatedAt", UtcTimeHandler.ToSqliteText(createdAt));
            var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (result is null or DBNull)
            {
                return;
            }

            rowId = Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
        }

        await using var blob = new SqliteBlob(connection, "raw_mail", "content", rowId);
        await content.CopyToAsync(blob, 128 * 1024, cancellationToken).ConfigureAwait(false);
    }

    public override DbConnection CreateConnection(string connectionString) => new SqliteConnection(connectionString);

    public override string PrepareConnectionString(string connectionString, TimeSpan commandTimeout)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new StorageException($"Invalid SQLite connection string: {StorageDatabase.OneLine(ex.Message)}", ex);
        }

        builder.ForeignKeys = true;
        builder.DefaultTimeout = (int)Math.Ceiling(commandTimeout.TotalSeconds);
        if (builder.Mode != SqliteOpenMode.Memory && !string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:")
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(folder))
            {
                try
                {
                    Directory.CreateDirectory(folder);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new StorageException($"Cannot create the folder of the SQLite database '{builder.DataSource}': {StorageDatabase.OneLine(ex.Message)}", ex);
                }
            }
        }

        return builder.ToString();
    }

    public override string Describe(string connectionString) =>
        new SqliteConnectionStringBuilder(connectionString).DataSource;

    public override async Task OnOpenedAsync(DbConnection connection, int commandTimeoutSeconds, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        // The automatic checkpoint only as a safety net: large commits are checkpointed in the background (SqliteCheckpointer).
        command.CommandText = $"PRAGMA busy_timeout = {commandTimeoutSeconds * 1000}; PRAGMA wal_autocheckpoint = {SqliteCheckpointer.AutoCheckpointPages}";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override Task<DbTransaction> BeginTransactionAsync(DbConnection connection, bool readOnly, CancellationToken cancellationToken)
    {
        // deferred: false issues BEGIN IMMEDIATE: the write lock is taken now, waiting up to the busy timeout.
        var transaction = ((SqliteConnection)connection).BeginTransaction(deferred: readOnly);
        return Task.FromResult<DbTransaction>(transaction);
    }

    // The BEGIN IMMEDIATE of the migration transaction already excludes every other writer.
    public override Task LockForMigrationAsync(DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
