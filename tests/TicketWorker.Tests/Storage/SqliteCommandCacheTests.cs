using Dapper;
using Microsoft.Data.Sqlite;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Storage;

/// <summary>
/// SQLite statements run as commands prepared once per transaction (SqliteCommandCache) must store and
/// read exactly what Dapper stored and read: the database files of earlier versions hold Dapper's values.
/// </summary>
public class SqliteCommandCacheTests
{
    private TempDirectory _folder = null!;
    private StorageDatabase _database = null!;
    private SqlRunner _sql = null!;

    private enum Color { Red = 1, Green = 2 }

    private const string Insert = "INSERT INTO sample (name, amount, flag, at, maybe_at, color, bytes, body, empty, none) VALUES (@Name, @Amount, @Flag, @At, @MaybeAt, @Color, @Bytes, @Body, @Empty, @None) RETURNING id";

    [SetUp]
    public async Task SetUp()
    {
        _folder = new TempDirectory();
        _database = new StorageDatabase(new StorageOptions
        {
            Provider = StorageProvider.Sqlite,
            ConnectionString = $"Data Source={Path.Combine(_folder.Path, "cache.db")}",
            RawMailPath = Path.Combine(_folder.Path, "raw"),
        });
        _sql = new SqlRunner(_database);
        await _database.InTransactionAsync(tx => _sql.ExecuteAsync(tx,
            "CREATE TABLE sample (id INTEGER PRIMARY KEY, name TEXT UNIQUE, amount INTEGER, flag INTEGER, at TEXT, maybe_at TEXT, color INTEGER, bytes BLOB, body TEXT, empty TEXT, none BLOB)", null, CancellationToken.None));
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Test]
    public async Task ValuesAreStoredAsDapperStoresThem()
    {
        // A time with a fraction and an offset, one on the second, a null, an enum, a boolean, bytes, no bytes, an empty
        // text and a long one in Persian (encoded into a pooled buffer): the cases where a binder could differ.
        var at = new DateTimeOffset(2026, 3, 2, 14, 5, 6, TimeSpan.FromHours(1)).AddTicks(1_234_500);
        var body = string.Concat(Enumerable.Repeat("سلام، چاپگر کار نمی‌کند. 🙂\r\n", 200));
        object Row(string name) => new
        {
            Name = name, Amount = (long?)null, Flag = true, At = at, MaybeAt = (DateTimeOffset?)new DateTimeOffset(2026, 3, 2, 13, 0, 0, TimeSpan.Zero),
            Color = Color.Green, Bytes = new byte[] { 0, 1, 255 }, Body = body, Empty = "", None = Array.Empty<byte>(),
        };

        await _database.InTransactionAsync(async tx =>
        {
            await _sql.ScalarAsync<long>(tx, Insert, Row("cached"), CancellationToken.None);
            await _sql.ScalarAsync<long>(tx, Insert, Row("cached again"), CancellationToken.None);
            return 0;
        });
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_folder.Path, "cache.db")}"))
            await connection.ExecuteScalarAsync<long>(Insert, Row("dapper"));

        var stored = await _database.InReadAsync(tx => _sql.QueryAsync<StoredRow>(tx,
            "SELECT name, typeof(amount) || ':' || quote(amount) || ' ' || typeof(flag) || ':' || quote(flag) || ' ' || typeof(at) || ':' || quote(at) || ' ' || typeof(maybe_at) || ':' || quote(maybe_at) || ' ' || typeof(color) || ':' || quote(color) || ' ' || quote(bytes) || ' ' || typeof(body) || ':' || hex(body) || ' ' || typeof(empty) || ':' || quote(empty) || ' ' || typeof(none) || ':' || quote(none) AS stored FROM sample ORDER BY id",
            null, CancellationToken.None));

        Assert.That(stored.Select(r => r.Name), Is.EqualTo(new[] { "cached", "cached again", "dapper" }));
        Assert.That(stored[0].Stored, Is.EqualTo(stored[2].Stored), "the cached command stores what Dapper stores");
        Assert.That(stored[1].Stored, Is.EqualTo(stored[2].Stored), "and again with the command reused");
        Assert.That(stored[0].Stored, Does.Contain("integer:2").And.Contain("integer:1").And.Contain("null:NULL").And.Contain("X'0001FF'").And.Contain("text:''"));
        Assert.That(stored[0].Stored, Does.Contain("text:" + Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(body))));
    }

    [Test]
    public async Task ValuesOfTheSecondRunAreTheSecondRunsOwn()
    {
        var ids = await _database.InTransactionAsync(async tx => new[]
        {
            await _sql.ScalarAsync<long>(tx, "INSERT INTO sample (name, amount) VALUES (@Name, @Amount) RETURNING id", new { Name = "a", Amount = (long?)5 }, CancellationToken.None),
            await _sql.ScalarAsync<long>(tx, "INSERT INTO sample (name, amount) VALUES (@Name, @Amount) RETURNING id", new { Name = "b", Amount = (long?)null }, CancellationToken.None),
        });

        var rows = await _database.InReadAsync(tx => _sql.QueryAsync<(string Name, long? Amount)>(tx, "SELECT name, amount FROM sample ORDER BY id", null, CancellationToken.None));

        Assert.That(ids, Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(rows, Is.EqualTo(new[] { ("a", (long?)5), ("b", (long?)null) }), "a null after a value is bound as null, not left from the last run");
    }

    [Test]
    public async Task AnInsertReturningItsIdGivesTheNewIdOrNoneWhenItMetItsConflict()
    {
        // Run without RETURNING (no statement journal): the id comes from the connection, and only when a row was inserted.
        const string insert = "INSERT INTO sample (name) VALUES (@Name) ON CONFLICT (name) DO NOTHING RETURNING id";
        await _database.InTransactionAsync(tx => _sql.ExecuteAsync(tx, "INSERT INTO sample (id, name) VALUES (41, 'before')", null, CancellationToken.None));

        var ids = await _database.InTransactionAsync(async tx => new[]
        {
            await _sql.ScalarAsync<long?>(tx, insert, new { Name = "one" }, CancellationToken.None),
            await _sql.ScalarAsync<long?>(tx, insert, new { Name = "one" }, CancellationToken.None),
            await _sql.ScalarAsync<long?>(tx, insert, new { Name = "before" }, CancellationToken.None),
            await _sql.ScalarAsync<long?>(tx, insert, new { Name = "two" }, CancellationToken.None),
        });

        Assert.That(ids, Is.EqualTo(new long?[] { 42, null, null, 43 }));
        Assert.That(SqliteStatement.WithoutReturningId(insert), Is.EqualTo(insert[..^" RETURNING id".Length]), "prepared without RETURNING");
        Assert.That(SqliteStatement.WithoutReturningId("UPDATE counters SET value = value + 1 RETURNING id"), Is.Null, "only an INSERT's id is the rowid it made");
    }

    [Test]
    public async Task AStatementThatFailedRunsAgainInTheSameTransaction()
    {
        const string insert = "INSERT INTO sample (name) VALUES (@Name)";
        var outcome = await _database.InTransactionAsync(async tx =>
        {
            await _sql.ExecuteAsync(tx, insert, new { Name = "one" }, CancellationToken.None);
            var duplicate = Assert.ThrowsAsync<SqliteException>(() => _sql.ExecuteAsync(tx, insert, new { Name = "one" }, CancellationToken.None));
            await _sql.ExecuteAsync(tx, insert, new { Name = "two" }, CancellationToken.None);
            return duplicate!.SqliteErrorCode;
        });

        var names = await _database.InReadAsync(tx => _sql.QueryAsync<string>(tx, "SELECT name FROM sample ORDER BY id", null, CancellationToken.None));
        Assert.That(outcome, Is.EqualTo(19), "SQLITE_CONSTRAINT");
        Assert.That(names, Is.EqualTo(new[] { "one", "two" }));
    }

    [Test]
    public async Task ScalarsAndPlainRowsAreConvertedAsDapperConvertsThem()
    {
        await _database.InTransactionAsync(tx => _sql.ExecuteAsync(tx, "INSERT INTO sample (name, amount, flag) VALUES ('x', 7, 1), ('y', 8, 0)", null, CancellationToken.None));

        var (count, flag, missing, amounts) = await _database.InReadAsync(async tx => (
            await _sql.ScalarAsync<int?>(tx, "SELECT COUNT(*) FROM sample WHERE amount > @Min", new { Min = 0 }, CancellationToken.None),
            await _sql.ScalarAsync<bool>(tx, "SELECT flag FROM sample WHERE name = @Name", new { Name = "x" }, CancellationToken.None),
            await _sql.ScalarAsync<string?>(tx, "SELECT name FROM sample WHERE name = @Name", new { Name = "z" }, CancellationToken.None),
            await _sql.QueryAsync<int>(tx, "SELECT amount FROM sample ORDER BY amount", null, CancellationToken.None)));

        Assert.That(count, Is.EqualTo(2));
        Assert.That(flag, Is.True);
        Assert.That(missing, Is.Null);
        Assert.That(amounts, Is.EqualTo(new[] { 7, 8 }), "SQLite's 64-bit integers read as int");
    }

    private sealed record Measured
    {
        public string? Name { get; init; }

        public long Amount { get; init; }
    }

    [Test]
    public async Task ARowReadAfterItsColumnsChangedTypeIsReadAsDapperReadsIt()
    {
        // SQLite keeps the type of each value: the same query's column is an integer in one row, a real in the next,
        // text in the third. The row parser kept per query must not read the later rows with the first row's types.
        await _database.InTransactionAsync(tx =>
            _sql.ExecuteAsync(tx, "INSERT INTO sample (name, amount) VALUES ('int', 7), ('real', 2.75), ('text', '12')", null, CancellationToken.None));
        const string Query = "SELECT name, amount FROM sample WHERE name = @Name";
        var read = new List<Measured?>();
        foreach (var name in new[] { "int", "real", "text", "int" })
            read.Add(await _database.InReadAsync(tx => _sql.QueryFirstOrDefaultAsync<Measured>(tx, Query, new { Name = name }, CancellationToken.None)));
        var dapper = new List<Measured?>();
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_folder.Path, "cache.db")}"))
            foreach (var name in new[] { "int", "real", "text", "int" })
                dapper.Add(await connection.QueryFirstOrDefaultAsync<Measured>(Query, new { Name = name }));

        Assert.That(read, Is.EqualTo(dapper));
        Assert.That(read.Select(r => r!.Amount), Is.EqualTo(new long[] { 7, 2, 12, 7 }), "Dapper truncates a real");
    }

    [Test]
    public async Task AListParameterIsStillExpandedByDapper()
    {
        await _database.InTransactionAsync(tx => _sql.ExecuteAsync(tx, "INSERT INTO sample (name) VALUES ('a'), ('b'), ('c')", null, CancellationToken.None));

        var names = await _database.InReadAsync(tx => _sql.QueryAsync<string>(tx, "SELECT name FROM sample WHERE name IN @Names ORDER BY name", new { Names = new[] { "a", "c" } }, CancellationToken.None));

        Assert.That(names, Is.EqualTo(new[] { "a", "c" }));
    }

    private sealed record StoredRow
    {
        public string Name { get; init; } = "";
        public string Stored { get; init; } = "";
    }
}
