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

    // On SQLite, when the parameters allow, a write or scalar runs as a statement on the C API and a query as a
    // command, each prepared once per transaction (SqliteCommandCache); Dapper then only maps the rows.
    // Everything else, and every other provider, is Dapper's as before.

    public async Task<IReadOnlyList<T>> QueryAsync<T>(IStorageTransaction transaction, string sql, object? parameters, CancellationToken cancellationToken)
    {
        var tx = Unwrap(transaction);
        if (Row<T>.Readable && tx.HasHeldBack && HeldBackWith(tx, sql, parameters) is { } batch)
            await using (batch.ConfigureAwait(false))
            {
                var rows = new List<T>();
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var parse = Row<T>.Parser(reader);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) rows.Add(parse(reader));
                return rows;
            }
        await tx.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (Row<T>.Readable && tx.SqliteCommands?.Bind(sql, parameters) is { } command)
            return await Prepared(tx, sql, parameters, command, async c =>
            {
                var rows = new List<T>();
                await using var reader = await c.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var parse = Row<T>.Parser(reader, sql);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) rows.Add(parse(reader));
                return rows;
            }).ConfigureAwait(false);
        var all = await tx.Connection.QueryAsync<T>(database.Command(tx, sql, parameters, cancellationToken)).ConfigureAwait(false);
        return all.AsList();
    }

    public async Task<T?> QueryFirstOrDefaultAsync<T>(IStorageTransaction transaction, string sql, object? parameters, CancellationToken cancellationToken)
    {
        var tx = Unwrap(transaction);
        if (Row<T>.Readable && tx.HasHeldBack && HeldBackWith(tx, sql, parameters) is { } batch)
            await using (batch.ConfigureAwait(false))
            {
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Row<T>.Parser(reader)(reader) : default;
            }
        await tx.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (Row<T>.Readable && tx.SqliteCommands?.Bind(sql, parameters) is { } command)
            return await Prepared(tx, sql, parameters, command, async c =>
            {
                await using var reader = await c.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Row<T>.Parser(reader, sql)(reader) : default;
            }).ConfigureAwait(false);
        return await tx.Connection.QueryFirstOrDefaultAsync<T>(database.Command(tx, sql, parameters, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<int> ExecuteAsync(IStorageTransaction transaction, string sql, object? parameters, CancellationToken cancellationToken)
    {
        var tx = Unwrap(transaction);
        if (tx.HasHeldBack && HeldBackWith(tx, sql, parameters) is { } batch)
            await using (batch.ConfigureAwait(false))
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return batch.BatchCommands[^1].RecordsAffected;
            }
        await tx.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (tx.SqliteCommands?.Statement(sql, parameters) is { } statement)
            return Direct(tx, sql, parameters, statement.Execute, cancellationToken);
        if (tx.SqliteCommands?.Bind(sql, parameters) is { } command)
            return await Prepared(tx, sql, parameters, command, c => c.ExecuteNonQueryAsync(cancellationToken)).ConfigureAwait(false);
        return await tx.Connection.ExecuteAsync(database.Command(tx, sql, parameters, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<T?> ScalarAsync<T>(IStorageTransaction transaction, string sql, object? parameters, CancellationToken cancellationToken)
    {
        var tx = Unwrap(transaction);
        if (ScalarValue<T>.Supported && tx.HasHeldBack && HeldBackWith(tx, sql, parameters) is { } batch)
            await using (batch.ConfigureAwait(false))
            {
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ScalarValue<T>.From(reader.GetValue(0)) : default;
            }
        await tx.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (ScalarValue<T>.Supported && tx.SqliteCommands?.Statement(sql, parameters) is { } statement)
            return ScalarValue<T>.From(Direct(tx, sql, parameters, statement.Scalar, cancellationToken));
        if (ScalarValue<T>.Supported && tx.SqliteCommands?.Bind(sql, parameters) is { } command)
            return await Prepared(tx, sql, parameters, command, async c => ScalarValue<T>.From(await c.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))).ConfigureAwait(false);
        return await tx.Connection.ExecuteScalarAsync<T>(database.Command(tx, sql, parameters, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// A write whose result nobody reads (an insert of a child row, an update of a few columns). On PostgreSQL it is
    /// held back and sent with the transaction's next statement, several in one round trip (Npgsql's batch), possibly
    /// with the next message's statements in intake's batch. Only values Npgsql writes without fail are held back
    /// (<see cref="SendsSafely"/>): an error of a held-back write can then only come from the server, a database error,
    /// which fails the whole batch whichever message it is sent with. Anything else runs at once, with its message.
    /// Elsewhere (SQLite, SQL Server) every write runs at once.
    /// </summary>
    public Task WriteAsync(IStorageTransaction transaction, string sql, object? parameters, CancellationToken cancellationToken)
    {
        var tx = Unwrap(transaction);
        // Held back only when it returns no rows: a batch's reader must open on the last statement's rows.
        if (tx.HoldsBackWrites && !ReturnsRows(sql) && PostgresCommand(sql, parameters) is { } command && SendsSafely(command))
        {
            cancellationToken.ThrowIfCancellationRequested();
            tx.HoldBack(command);
            return Task.CompletedTask;
        }
        return ExecuteAsync(transaction, sql, parameters, cancellationToken);
    }

    /// <summary>
    /// Whether Npgsql writes every value of <paramref name="command"/> without a client-side error: a text that is
    /// well-formed UTF-16 (Npgsql's strict UTF-8 encoder throws on a lone surrogate, which a UTF-7 header can
    /// carry), a time at offset zero (timestamptz takes nothing else).
    /// </summary>
    private static bool SendsSafely(Npgsql.NpgsqlBatchCommand command)
    {
        foreach (Npgsql.NpgsqlParameter parameter in command.Parameters)
        {
            switch (parameter.Value)
            {
                case string text when text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF') && !WellFormed(text):
                case DateTimeOffset time when time.Offset != TimeSpan.Zero:
                    return false;
            }
        }
        return true;
    }

    private static bool WellFormed(string text)
    {
        for (var rest = text.AsSpan(); !rest.IsEmpty;)
        {
            if (System.Text.Rune.DecodeFromUtf16(rest, out _, out var used) != System.Buffers.OperationStatus.Done) return false;
            rest = rest[used..];
        }
        return true;
    }

    private static bool ReturnsRows(string sql) =>
        sql.Contains("RETURNING", StringComparison.OrdinalIgnoreCase) || sql.Contains("OUTPUT", StringComparison.OrdinalIgnoreCase)
        || sql.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase);

    /// <summary>The held-back writes with this statement last, or null when the statement's parameters need Dapper (then the writes go first, on their own).</summary>
    private static Npgsql.NpgsqlBatch? HeldBackWith(StorageTransaction tx, string sql, object? parameters) =>
        PostgresCommand(sql, parameters) is { } command ? tx.TakeHeldBack(command) : null;

    /// <summary>
    /// The statement as an Npgsql batch command with its parameters typed as Dapper types them, or null when a parameter
    /// has a type Dapper alone maps (<see cref="ParameterPlan"/>). Only for one statement (no ';'), as Dapper runs it.
    /// </summary>
    private static Npgsql.NpgsqlBatchCommand? PostgresCommand(string sql, object? parameters)
    {
        if (sql.Contains(';') || ParameterPlan.For(sql, parameters?.GetType()) is not { } plan) return null;
        var command = new Npgsql.NpgsqlBatchCommand(sql);
        for (var i = 0; i < plan.Names.Count; i++)
        {
            if (PostgresType(plan.Types[i]) is not { } type) return null;
            command.Parameters.Add(new Npgsql.NpgsqlParameter(plan.Names[i], type) { Value = plan.Value(i, parameters!) });
        }
        return command;
    }

    private static System.Data.DbType? PostgresType(Type type) =>
        type == typeof(string) ? System.Data.DbType.String
        : type == typeof(long) ? System.Data.DbType.Int64
        : type == typeof(int) ? System.Data.DbType.Int32
        : type == typeof(bool) ? System.Data.DbType.Boolean
        : type == typeof(double) ? System.Data.DbType.Double
        : type == typeof(byte[]) ? System.Data.DbType.Binary
        : type == typeof(DateTimeOffset) ? System.Data.DbType.DateTimeOffset
        : null;

    /// <summary>Runs a statement on SQLite's C API (synchronous, as Microsoft.Data.Sqlite's own async methods are); one that failed is prepared again next time.</summary>
    private static TResult Direct<TResult>(StorageTransaction tx, string sql, object? parameters, Func<object?, TResult> run, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return run(parameters);
        }
        catch
        {
            tx.SqliteCommands!.ForgetStatement(sql, parameters);
            throw;
        }
    }

    /// <summary>Runs a cached command; one that failed is dropped from the cache (its statement may be left mid-step).</summary>
    private static async Task<TResult> Prepared<TResult>(StorageTransaction tx, string sql, object? parameters, Microsoft.Data.Sqlite.SqliteCommand command,
        Func<Microsoft.Data.Sqlite.SqliteCommand, Task<TResult>> run)
    {
        try
        {
            return await run(command).ConfigureAwait(false);
        }
        catch
        {
            tx.SqliteCommands!.Forget(sql, parameters);
            throw;
        }
    }

    /// <summary>
    /// How a row becomes a <typeparamref name="T"/> as Dapper's <c>Query&lt;T&gt;</c> makes it: a plain value from the
    /// first column (converted, as Dapper does: SQLite integers are 64-bit), an object or tuple by Dapper's own row
    /// parser. Other types (times, enums, lists: our type handlers) are left to Dapper's query.
    /// </summary>
    private static class Row<T>
    {
        public static readonly bool Readable = ScalarValue<T>.Supported
            || (Nullable.GetUnderlyingType(typeof(T)) is null && !typeof(T).IsPrimitive && !typeof(T).IsEnum && typeof(T) != typeof(DateTimeOffset)
                && typeof(T) != typeof(byte[]) && !typeof(System.Collections.IEnumerable).IsAssignableFrom(typeof(T)) && typeof(T).Namespace?.StartsWith("System", StringComparison.Ordinal) != true)
            || typeof(T).FullName?.StartsWith("System.ValueTuple`", StringComparison.Ordinal) == true;

        // Dapper finds its parser for a reader by the name and type of every column, and on SQLite each name is a new
        // string read from the statement; the names of a query's columns never change, so its parser is kept per SQL
        // text and only the types are compared (a column's type may change with its value, and Dapper's parser with it).
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (Type[] Types, Func<System.Data.Common.DbDataReader, T> Parse)> Parsers =
            new(StringComparer.Ordinal);

        /// <summary>The parser for the rows of <paramref name="reader"/>, which runs <paramref name="sql"/> prepared (its columns as Dapper would see them).</summary>
        public static Func<System.Data.Common.DbDataReader, T> Parser(System.Data.Common.DbDataReader reader, string sql)
        {
            if (ScalarValue<T>.Supported) return static r => ScalarValue<T>.From(r.GetValue(0))!;
            if (Parsers.TryGetValue(sql, out var known) && known.Types.Length == reader.FieldCount)
            {
                var same = true;
                for (var i = 0; i < known.Types.Length && same; i++) same = reader.GetFieldType(i) == known.Types[i];
                if (same) return known.Parse;
            }
            var parse = reader.GetRowParser<T>();
            var types = new Type[reader.FieldCount];
            for (var i = 0; i < types.Length; i++) types[i] = reader.GetFieldType(i);
            Parsers[sql] = (types, parse);
            return parse;
        }

        public static Func<System.Data.Common.DbDataReader, T> Parser(System.Data.Common.DbDataReader reader) =>
            ScalarValue<T>.Supported ? static r => ScalarValue<T>.From(r.GetValue(0))! : reader.GetRowParser<T>();
    }

    /// <summary>A scalar as Dapper's <c>ExecuteScalar&lt;T&gt;</c> returns it, for the types read that way here (others go through Dapper).</summary>
    private static class ScalarValue<T>
    {
        private static readonly Type Plain = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);

        public static readonly bool Supported = Plain == typeof(long) || Plain == typeof(int) || Plain == typeof(string) || Plain == typeof(bool) || Plain == typeof(double);

        public static T? From(object? value) => value is null or DBNull ? default
            : value is T same ? same
            : (T)Convert.ChangeType(value, Plain, System.Globalization.CultureInfo.InvariantCulture);
    }

    public DbConnection Connection(IStorageTransaction transaction) => Unwrap(transaction).Connection;

    internal StorageTransaction Unwrap(IStorageTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction is not StorageTransaction tx || tx.Database.Provider != database.Provider)
        {
            throw new ArgumentException("The transaction belongs to another database.", nameof(transaction));
        }

        return tx;
    }
}
