using Microsoft.Data.SqlClient;
using Npgsql;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Storage;

/// <summary>
/// A fresh, empty database of one provider for one fixture or test: a SQLite file in a temp folder,
/// a new PostgreSQL database, or a new SQL Server database; dropped on dispose.
/// </summary>
internal sealed class StorageTestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "TICKETWORKER_TEST_POSTGRES";
    public const string SqlServerVariable = "TICKETWORKER_TEST_SQLSERVER";
    public const string DefaultPostgres = "Host=127.0.0.1;Port=15432;Username=ticketworker;Password=ticketworker;Database=ticketworker";

    private readonly string? dropName;
    private readonly string? adminConnectionString;

    private StorageTestDatabase(StorageProvider provider, string connectionString, string folder, string? dropName, string? adminConnectionString)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Folder = folder;
        this.dropName = dropName;
        this.adminConnectionString = adminConnectionString;
    }

    public StorageProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>A temp folder of this database (raw mail files, SQLite file).</summary>
    public string Folder { get; }

    public static string PostgresConnectionString =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : DefaultPostgres;

    /// <summary>Creates the database; PostgreSQL unreachable fails the test, SQL Server without its variable ignores it.</summary>
    public static async Task<StorageTestDatabase> CreateAsync(StorageProvider provider)
    {
        var folder = Path.Combine(Path.GetTempPath(), "tw-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var name = "tw_test_" + Guid.NewGuid().ToString("N")[..16];
        switch (provider)
        {
            case StorageProvider.Sqlite:
                return new StorageTestDatabase(provider, $"Data Source={Path.Combine(folder, "ticketworker.db")}", folder, null, null);

            case StorageProvider.Postgres:
                var admin = PostgresConnectionString;
                try
                {
                    await using var connection = new NpgsqlConnection(admin);
                    await connection.OpenAsync();
                    await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                    await command.ExecuteNonQueryAsync();
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
                {
                    Assert.Fail($"PostgreSQL is required for the storage contract tests but is not usable at {Describe(admin)}: {ex.Message} " +
                        $"Start it with install/postgres.sh up, or point {PostgresVariable} at a server whose user may CREATE DATABASE.");
                }

                var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
                return new StorageTestDatabase(provider, builder.ConnectionString, folder, name, admin);

            case StorageProvider.SqlServer:
                var server = Environment.GetEnvironmentVariable(SqlServerVariable);
                if (string.IsNullOrWhiteSpace(server))
                {
                    Assert.Ignore($"SQL Server tests skipped: set {SqlServerVariable} to a connection string to run them.");
                }

                await using (var connection = new SqlConnection(server))
                {
                    await connection.OpenAsync();
                    await using var command = new SqlCommand($"CREATE DATABASE {name}", connection);
                    await command.ExecuteNonQueryAsync();
                }

                var sqlBuilder = new SqlConnectionStringBuilder(server) { InitialCatalog = name };
                return new StorageTestDatabase(provider, sqlBuilder.ConnectionString, folder, name, server);

            default:
                throw new ArgumentOutOfRangeException(nameof(provider));
        }
    }

    public StorageOptions Options(bool rawInDatabase = false) => new()
    {
        Provider = Provider,
        ConnectionString = ConnectionString,
        RawMailPath = Path.Combine(Folder, "raw"),
        StoreRawInDatabase = rawInDatabase,
    };

    /// <summary>A migrated database access object.</summary>
    public async Task<StorageDatabase> MigratedAsync(bool rawInDatabase = false)
    {
        var database = new StorageDatabase(Options(rawInDatabase));
        await database.MigrateAsync();
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        switch (Provider)
        {
            case StorageProvider.Sqlite:
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                break;
            case StorageProvider.Postgres:
                NpgsqlConnection.ClearAllPools();
                await DropPostgresDatabaseAsync();
                break;
            case StorageProvider.SqlServer:
                SqlConnection.ClearAllPools();
                await using (var connection = new SqlConnection(adminConnectionString))
                {
                    await connection.OpenAsync();
                    await using var command = new SqlCommand($"ALTER DATABASE {dropName} SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE {dropName}", connection);
                    await command.ExecuteNonQueryAsync();
                }

                break;
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private async Task DropPostgresDatabaseAsync()
    {
        // An autovacuum worker may still be in the new database for a moment, and our role may not
        // terminate it (WITH (FORCE) then fails with 42501): try again briefly, then leave it.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(adminConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {dropName} WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException ex) when (ex.SqlState is "42501" or "55006")
            {
                if (attempt == 20)
                {
                    await TestContext.Out.WriteLineAsync($"Test database {dropName} left behind: {ex.MessageText}");
                    return;
                }

                await Task.Delay(250);
            }
        }
    }

    private static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }
}
