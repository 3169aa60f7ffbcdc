using System.Data.Common;
using Dapper;
using TicketWorker.Storage.Dialects;

namespace TicketWorker.Storage;

/// <summary>Runs Dapper commands inside a caller's unit of work; shared by the stores.</summary>
internal sealed class SqlRunner
{
    private readonly StorageDatabase database;

    public SqlRunner(StorageDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        this.database = database;
    }

    public SqlDialect Dialect => database.Dialect;

    // Statements a dialect builds from column lists, built once per store rather than on every call
    // (the same text each time, so Dapper's cache and SQLite's parser see no difference).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> statements = new(StringComparer.Ordinal);

    /// <summary>The statement named <paramref name="name"/>, built by <paramref name="build"/> on first use.</summary>
    public string Statement(string name, Func<SqlDialect, string> build) => statements.GetOrAdd(name, static (_, b) => b.Build(b.Dialect), (Build: build, Dialect: Dialect));

    public static string Lower(string address) => address.Trim().ToLowerInvariant();

    public static string Text(Enum value) => value.ToString().ToLowerInvariant();

    public async Task<IReadOnlyList<T>> QueryAsync<T>(IStorageTransaction transaction, string sql, object? parameters, CancellationToken cancellationToken)
    {
        var tx = Unwrap(transaction);
        var rows = await tx.Connection.QueryAsync<T>(database.Command(tx, sql, parameters, cancellationToken)).ConfigureAwait(false);
        return rows.AsList();
    }

    public Task<T?> QueryFirstOrDefaultAsync<T>(IStorageTransaction transaction, string sql, object? parameters, CancellationToken cancellationToken)
    {
        var tx = Unwrap(transaction);
        return tx.Connection.QueryFirstOrDefaultAsync<T>(database.Command(tx, sql, parameters, cancellationToken));
    }

    public Task<int> ExecuteAsync(IStorageTransaction transaction, string sql, object? parameters, CancellationToken cancellationToken)
    {
        var tx = Unwrap(transaction);
        return tx.Connection.ExecuteAsync(database.Command(tx, sql, parameters, cancellationToken));
    }

    public Task<T?> ScalarAsync<T>(IStorageTransaction transaction, string sql, object? parameters, CancellationToken cancellationToken)
    {
        var tx = Unwrap(transaction);
        return tx.Connection.ExecuteScalarAsync<T>(database.Command(tx, sql, parameters, cancellationToken));
    }

    public DbConnection Connection(IStorageTransaction transaction) => Unwrap(transaction).Connection;

    private StorageTransaction Unwrap(IStorageTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction is not StorageTransaction tx || tx.Database.Provider != database.Provider)
        {
            throw new ArgumentException("The transaction belongs to another database.", nameof(transaction));
        }

        return tx;
    }
}
