using Microsoft.Data.Sqlite;

namespace TicketWorker.Storage;

/// <summary>
/// The SQLite commands of one transaction, each prepared once and executed again with new values.
/// Dapper makes a new command per call, and Microsoft.Data.Sqlite then parses and plans the SQL
/// again and looks each parameter up under four names ("Name", ":Name", "@Name", "$Name", one
/// UTF-8 conversion each): for the wide inserts of intake (message, ticket, outbox row) that was
/// ~150 µs a statement, most of the writer's time. Here the SQL is prepared once per transaction
/// (intake writes a batch of up to 500 messages in one) and the parameters carry their "@" name.
/// Only statements whose parameters are of plain types are cached (<see cref="ParameterPlan"/>);
/// anything else goes through Dapper as before. Not thread-safe, like the connection it belongs to.
/// </summary>
internal sealed class SqliteCommandCache(SqliteConnection connection, SqliteTransaction transaction, int timeoutSeconds) : IDisposable
{
    private readonly Dictionary<(string Sql, Type? Parameters), SqliteCommand> commands = [];
    private readonly Dictionary<(string Sql, Type? Parameters), SqliteStatement?> statements = [];
    private readonly SqliteStatement.TextBuffer scratch = new();

    /// <summary>
    /// The statement to execute (or read a scalar from) on SQLite's C API directly, or null when the command
    /// path must run it (more than one statement, a parameter not of the object, a type Dapper alone maps).
    /// </summary>
    public SqliteStatement? Statement(string sql, object? parameters)
    {
        var type = parameters?.GetType();
        if (statements.TryGetValue((sql, type), out var statement)) return statement;
        var plan = ParameterPlan.For(sql, type);
        statement = plan is null ? null : SqliteStatement.TryPrepare(connection.Handle!, sql, plan, scratch);
        statements[(sql, type)] = statement;
        return statement;
    }

    /// <summary>The prepared command with <paramref name="parameters"/> bound, or null when Dapper must run it (parameter types it alone maps).</summary>
    public SqliteCommand? Bind(string sql, object? parameters)
    {
        var type = parameters?.GetType();
        var plan = ParameterPlan.For(sql, type);
        if (plan is null) return null;
        if (!commands.TryGetValue((sql, type), out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = transaction;
            command.CommandTimeout = timeoutSeconds;
            foreach (var name in plan.Names) command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
            command.Prepare();
            commands[(sql, type)] = command;
        }
        plan.Bind(parameters, command.Parameters);
        return command;
    }

    /// <summary>Drops a command whose execution failed: its statement may be left mid-step.</summary>
    public void Forget(string sql, object? parameters)
    {
        if (commands.Remove((sql, parameters?.GetType()), out var command)) command.Dispose();
    }

    /// <summary>Drops a statement whose execution failed (it is prepared again on next use).</summary>
    public void ForgetStatement(string sql, object? parameters)
    {
        if (statements.Remove((sql, parameters?.GetType()), out var statement)) statement?.Dispose();
    }

    public void Dispose()
    {
        foreach (var command in commands.Values) command.Dispose();
        commands.Clear();
        // Finalized before the connection goes back to the pool: a statement left open would keep it busy.
        foreach (var statement in statements.Values) statement?.Dispose();
        statements.Clear();
    }
}

/// <summary>
/// One prepared SQLite statement run on the C API (SQLitePCL.raw), for the writes and scalars of the hot
/// path: parameters bound by index, found once; long texts encoded into one buffer of the transaction instead
/// of a new array each (the message bodies were a zeroed array, a page fault and a copy each, ~10 % of the
/// writer). Not ArrayPool: its per-thread arrays of up to 3× the longest text stayed after the batch (+5 MB peak RSS).
/// Values are written as Microsoft.Data.Sqlite writes them, so the stored bytes do not change
/// (SqliteCommandCacheTests compares with Dapper's own insert). Errors are Microsoft.Data.Sqlite's SqliteException.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private const int SqliteRow = 100;
    private const int SqliteDone = 101;
    private const uint PreparePersistent = 1;

    /// <summary>Texts shorter than this go through SQLitePCL's own conversion (it binds "" as a text; an empty span would bind NULL).</summary>
    private const int PooledTextLength = 512;

    private readonly SQLitePCL.sqlite3 db;
    private readonly SQLitePCL.sqlite3_stmt stmt;
    private readonly ParameterPlan plan;
    private readonly int[] indexes;
    private readonly TextBuffer buffer;

    /// <summary>An INSERT prepared without its "RETURNING id": the scalar is the new row's id (<see cref="WithoutReturningId"/>).</summary>
    private readonly bool insertedIdIsScalar;

    private SqliteStatement(SQLitePCL.sqlite3 db, SQLitePCL.sqlite3_stmt stmt, ParameterPlan plan, int[] indexes, TextBuffer buffer, bool insertedIdIsScalar)
    {
        this.db = db;
        this.stmt = stmt;
        this.plan = plan;
        this.indexes = indexes;
        this.buffer = buffer;
        this.insertedIdIsScalar = insertedIdIsScalar;
    }

    /// <summary>The UTF-8 bytes of the long text being bound, shared by the statements of one transaction (one binds at a time).</summary>
    internal sealed class TextBuffer
    {
        private byte[] bytes = [];

        public ReadOnlySpan<byte> Encode(string text)
        {
            var length = System.Text.Encoding.UTF8.GetByteCount(text);
            if (bytes.Length < length) bytes = new byte[Math.Max(length, bytes.Length * 2)];
            return bytes.AsSpan(0, System.Text.Encoding.UTF8.GetBytes(text, bytes));
        }
    }

    /// <summary>Prepares <paramref name="sql"/>, or returns null when it is not exactly one statement whose parameters are all in <paramref name="plan"/>.</summary>
    public static SqliteStatement? TryPrepare(SQLitePCL.sqlite3 db, string sql, ParameterPlan plan, TextBuffer buffer)
    {
        var insert = WithoutReturningId(sql);
        // An error here is left to the command path, which reports it as it always did.
        if (SQLitePCL.raw.sqlite3_prepare_v3(db, insert ?? sql, PreparePersistent, out var stmt, out string tail) != 0 || stmt is null || stmt.IsInvalid)
        {
            stmt?.Dispose();
            return null;
        }
        var indexes = plan.Names.Select(name => SQLitePCL.raw.sqlite3_bind_parameter_index(stmt, name)).ToArray();
        if (!string.IsNullOrWhiteSpace(tail) || indexes.Count(i => i > 0) != SQLitePCL.raw.sqlite3_bind_parameter_count(stmt))
        {
            stmt.Dispose();
            return null;
        }
        return new SqliteStatement(db, stmt, plan, indexes, buffer, insert is not null);
    }

    /// <summary>
    /// An "INSERT … RETURNING id" without its RETURNING clause, or null for any other statement. SQLite runs RETURNING
    /// as a trigger, and a statement with a trigger keeps a statement journal: a copy of every page it changes that
    /// the transaction held before it, so that the statement alone can be undone. Past 64 KB that journal is a
    /// temporary file, and it stays one for the rest of the transaction: intake's batch wrote 463 MB into it (118,000
    /// pages of 4 KB and 118,000 four-byte page numbers, one pwrite each) for 10,000 messages, more than the database
    /// itself. Without RETURNING a single-row INSERT needs no statement journal (constraints are checked before it
    /// writes); the id is then sqlite3_last_insert_rowid, when the statement inserted its row (an ON CONFLICT DO
    /// NOTHING that met its conflict inserts none, as RETURNING then returns no row). Every table's id is its rowid.
    /// </summary>
    internal static string? WithoutReturningId(string sql)
    {
        const string Returning = " RETURNING id";
        var trimmed = sql.AsSpan().TrimEnd();
        return trimmed.StartsWith("INSERT ", StringComparison.OrdinalIgnoreCase) && trimmed.EndsWith(Returning, StringComparison.OrdinalIgnoreCase)
            ? trimmed[..^Returning.Length].ToString()
            : null;
    }

    /// <summary>Runs the statement to its end; returns the rows changed as ExecuteNonQuery does (-1 for a read-only one).</summary>
    public int Execute(object? parameters)
    {
        Bind(parameters);
        int rc;
        while ((rc = SQLitePCL.raw.sqlite3_step(stmt)) == SqliteRow)
        {
        }
        var changes = SQLitePCL.raw.sqlite3_stmt_readonly(stmt) != 0 ? -1 : SQLitePCL.raw.sqlite3_changes(db);
        Finish(rc);
        return changes;
    }

    /// <summary>The first column of the first row (long, double, string, byte[]; null for none or NULL), as ExecuteScalar reads it.</summary>
    public object? Scalar(object? parameters)
    {
        Bind(parameters);
        var rc = SQLitePCL.raw.sqlite3_step(stmt);
        object? value = null;
        if (insertedIdIsScalar)
        {
            if (rc == SqliteDone && SQLitePCL.raw.sqlite3_changes(db) == 1) value = SQLitePCL.raw.sqlite3_last_insert_rowid(db);
        }
        else if (rc == SqliteRow)
        {
            value = SQLitePCL.raw.sqlite3_column_type(stmt, 0) switch
            {
                SQLitePCL.raw.SQLITE_INTEGER => SQLitePCL.raw.sqlite3_column_int64(stmt, 0),
                SQLitePCL.raw.SQLITE_FLOAT => SQLitePCL.raw.sqlite3_column_double(stmt, 0),
                SQLitePCL.raw.SQLITE_TEXT => SQLitePCL.raw.sqlite3_column_text(stmt, 0).utf8_to_string(),
                SQLitePCL.raw.SQLITE_BLOB => SQLitePCL.raw.sqlite3_column_blob(stmt, 0).ToArray(),
                _ => null,
            };
            rc = SqliteDone;
        }
        Finish(rc);
        return value;
    }

    private void Bind(object? parameters)
    {
        for (var i = 0; i < indexes.Length; i++)
        {
            if (indexes[i] == 0) continue;
            var rc = plan.Value(i, parameters!) switch
            {
                DBNull => SQLitePCL.raw.sqlite3_bind_null(stmt, indexes[i]),
                string { Length: >= PooledTextLength } text => BindLongText(indexes[i], text),
                string text => SQLitePCL.raw.sqlite3_bind_text(stmt, indexes[i], text),
                long value => SQLitePCL.raw.sqlite3_bind_int64(stmt, indexes[i], value),
                int value => SQLitePCL.raw.sqlite3_bind_int64(stmt, indexes[i], value),
                short value => SQLitePCL.raw.sqlite3_bind_int64(stmt, indexes[i], value),
                byte value => SQLitePCL.raw.sqlite3_bind_int64(stmt, indexes[i], value),
                bool value => SQLitePCL.raw.sqlite3_bind_int64(stmt, indexes[i], value ? 1 : 0),
                double value => SQLitePCL.raw.sqlite3_bind_double(stmt, indexes[i], value),
                byte[] { Length: 0 } => SQLitePCL.raw.sqlite3_bind_zeroblob(stmt, indexes[i], 0),
                byte[] value => SQLitePCL.raw.sqlite3_bind_blob(stmt, indexes[i], value),
                // The form Microsoft.Data.Sqlite writes a DateTimeOffset in (SqliteValueBinder).
                DateTimeOffset value => SQLitePCL.raw.sqlite3_bind_text(stmt, indexes[i], value.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz", System.Globalization.CultureInfo.InvariantCulture)),
                var other => throw new InvalidOperationException($"No SQLite binding for a {other.GetType().Name}."),
            };
            if (rc != 0) Fail(rc);
        }
    }

    // SQLite copies the value (SQLITE_TRANSIENT), so the buffer is free again for the next text.
    private int BindLongText(int index, string text) => SQLitePCL.raw.sqlite3_bind_text(stmt, index, buffer.Encode(text));

    /// <summary>Resets the statement for its next run (and lets go of its bound texts); throws for an error result.</summary>
    private void Finish(int rc)
    {
        SQLitePCL.raw.sqlite3_reset(stmt);
        SQLitePCL.raw.sqlite3_clear_bindings(stmt);
        if (rc != SqliteDone) Fail(rc);
    }

    private void Fail(int rc)
    {
        SqliteException.ThrowExceptionForRC(rc, db);
        throw new InvalidOperationException($"SQLite error {rc}.");
    }

    public void Dispose() => stmt.Dispose();
}
