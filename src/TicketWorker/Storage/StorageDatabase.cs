using System.Data;
using System.Data.Common;
using Dapper;
using TicketWorker.Storage.Dialects;

namespace TicketWorker.Storage;

/// <summary>
/// The database: opens units of work and applies the schema migrations. One instance per process
/// (connections are pooled by the providers).
/// </summary>
public sealed class StorageDatabase
{
    private readonly StorageOptions options;

    static StorageDatabase()
    {
        // Column names are snake_case, properties PascalCase.
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new UtcTimeHandler());
        SqlMapper.AddTypeHandler(new JsonListHandler());
    }

    /// <summary>Creates the database access for validated options; nothing is opened yet.</summary>
    /// <param name="options">Provider, connection string, raw store settings.</param>
    /// <param name="time">Clock for the times the storage layer stamps itself (migrations, raw rows).</param>
    public StorageDatabase(StorageOptions options, TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new StorageException(string.Join(" ", errors));
        }

        this.options = options;
        Dialect = SqlDialect.For(options.Provider);
        ConnectionString = Dialect.PrepareConnectionString(options.EffectiveConnectionString, options.CommandTimeout);
        checkpointer = options.Provider == StorageProvider.Sqlite ? new SqliteCheckpointer(this) : null;
    }

    private readonly SqliteCheckpointer? checkpointer;

    /// <summary>The configured provider.</summary>
    public StorageProvider Provider => options.Provider;

    /// <summary>The options this database was created with.</summary>
    public StorageOptions Options => options;

    /// <summary>The clock of this database's own time stamps.</summary>
    public TimeProvider Time { get; }

    internal SqlDialect Dialect { get; }

    internal string ConnectionString { get; }

    internal int CommandTimeoutSeconds => (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);

    /// <summary>Starts a unit of work that may write (on SQLite it takes the write lock at once).</summary>
    public Task<IStorageTransaction> BeginAsync(CancellationToken cancellationToken = default) =>
        BeginAsync(readOnly: false, cancellationToken);

    /// <summary>Starts a unit of work that only reads (on SQLite it does not block writers).</summary>
    public Task<IStorageTransaction> BeginReadOnlyAsync(CancellationToken cancellationToken = default) =>
        BeginAsync(readOnly: true, cancellationToken);

    /// <summary>Runs <paramref name="work"/> in a new unit of work and commits it.</summary>
    public async Task<T> InTransactionAsync<T>(Func<IStorageTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var transaction = await BeginAsync(cancellationToken).ConfigureAwait(false);
        var result = await work(transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Tells the database that an intake batch was committed (up to ~10 MB for 500 messages): on SQLite its write-ahead
    /// log is copied into the database file in the background (<see cref="SqliteCheckpointer"/>) rather than by a later commit.
    /// </summary>
    public void BatchCommitted() => checkpointer?.Request();

    /// <summary>Completes when no background work of the database runs (SQLite's checkpoint); for tests (nothing waits for it at shutdown: a checkpoint cut short loses nothing).</summary>
    public Task IdleAsync() => checkpointer?.IdleAsync() ?? Task.CompletedTask;

    /// <summary>
    /// Creates or upgrades the schema to the newest version and generates the reply-token key on first use.
    /// Safe when several workers start at once. Returns the versions applied now (empty when up to date).
    /// </summary>
    public Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default) =>
        new SchemaMigrator(this).MigrateAsync(cancellationToken);

    /// <summary>The schema version of the database (0 when never migrated).</summary>
    public Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken = default) =>
        new SchemaMigrator(this).GetVersionAsync(cancellationToken);

    /// <summary>Opens a connection once; throws <see cref="StorageException"/> with a one-line reason when that fails.</summary>
    public async Task CheckConnectionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    internal async Task<IStorageTransaction> BeginAsync(bool readOnly, CancellationToken cancellationToken)
    {
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await Dialect.BeginTransactionAsync(connection, readOnly, cancellationToken).ConfigureAwait(false);
            return new StorageTransaction(this, connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        DbConnection connection;
        try
        {
            connection = Dialect.CreateConnection(ConnectionString);
        }
        catch (ArgumentException ex)
        {
            throw new StorageException($"Invalid {Dialect.DisplayName} connection string: {OneLine(ex.Message)}", ex);
        }

        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await Dialect.OnOpenedAsync(connection, CommandTimeoutSeconds, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or IOException or TimeoutException or ArgumentException or UnauthorizedAccessException or System.Net.Sockets.SocketException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new StorageException($"Cannot open the {Dialect.DisplayName} database ({Dialect.Describe(ConnectionString)}): {OneLine(ex.Message)}", ex);
        }
    }

    internal CommandDefinition Command(IStorageTransaction transaction, string sql, object? parameters, CancellationToken cancellationToken)
    {
        var tx = (StorageTransaction)transaction;
        return new CommandDefinition(sql, parameters, tx.Transaction, CommandTimeoutSeconds, CommandType.Text, CommandFlags.Buffered, cancellationToken);
    }

    internal static string OneLine(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim();
        return line.Length > 400 ? line[..400] + "…" : line;
    }
}
