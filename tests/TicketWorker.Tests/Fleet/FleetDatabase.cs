using System.Globalization;
using Npgsql;
using TicketWorker.Tests.Storage;

namespace TicketWorker.Tests.Fleet;

/// <summary>
/// A database of the test's own on the shared PostgreSQL (127.0.0.1:15432, or TICKETWORKER_TEST_POSTGRES),
/// created empty and dropped on dispose; the server itself is never restarted. The workers migrate it.
/// </summary>
public sealed class FleetDatabase : IAsyncDisposable
{
    private readonly string _admin;

    private FleetDatabase(string admin, string name)
    {
        _admin = admin;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    public static async Task<FleetDatabase> CreateAsync(CancellationToken cancellationToken)
    {
        var admin = StorageTestDatabase.PostgresConnectionString;
        var name = "tw_fleet_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(admin + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new FleetDatabase(admin, name);
    }

    public async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>The count, or -1 while the schema is not there yet.</summary>
    public async Task<long> TryScalarAsync(string sql, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ScalarAsync(sql, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return -1;
        }
    }

    public async Task<List<string?[]>> RowsAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<string?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new string?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
            rows.Add(row);
        }
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        // The killed worker's connections are gone with it; FORCE ends what the stopped ones left.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_admin + ";Pooling=false");
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState is "42501" or "55006" && attempt < 20)
            {
                await Task.Delay(250);
            }
            catch (PostgresException e)
            {
                await TestContext.Out.WriteLineAsync($"test database {Name} left behind: {e.MessageText}");
                return;
            }
        }
    }
}
