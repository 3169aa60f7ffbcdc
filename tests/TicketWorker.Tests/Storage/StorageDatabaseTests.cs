using Microsoft.Data.Sqlite;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Storage;

/// <summary>Errors the command line prints, and what is particular to SQLite.</summary>
public class StorageDatabaseTests
{
    [Test]
    public void UnreachablePostgresGivesAOneLineStorageException()
    {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        var database = new StorageDatabase(new StorageOptions
        {
            Provider = StorageProvider.Postgres,
            ConnectionString = "Host=127.0.0.1;Port=1;Username=u;Password=secret-pw;Database=d;Timeout=5",
        });

        var ex = Assert.ThrowsAsync<StorageException>(() => database.MigrateAsync());

        Assert.That(ex!.Message, Does.StartWith("Cannot open the PostgreSQL database (127.0.0.1:1/d as u)"));
        Assert.That(ex.Message, Does.Not.Contain("\n"));
        Assert.That(ex.Message, Does.Not.Contain("secret-pw"));
    }

    [Test]
    public void UnreachableSqlServerGivesAOneLineStorageException()
    {
        var database = new StorageDatabase(new StorageOptions
        {
            Provider = StorageProvider.SqlServer,
            ConnectionString = "Server=tcp:127.0.0.1,1;User ID=sa;Password=secret-pw;Connect Timeout=3;ConnectRetryCount=0",
        });

        var ex = Assert.ThrowsAsync<StorageException>(() => database.CheckConnectionAsync());

        Assert.That(ex!.Message, Does.StartWith("Cannot open the SQL Server database"));
        Assert.That(ex.Message, Does.Not.Contain("\n"));
        Assert.That(ex.Message, Does.Not.Contain("secret-pw"));
        Assert.That(StorageErrors.IsTransient(ex), Is.True, "a refused connection is worth retrying");
    }

    [Test]
    public void WrongPostgresPasswordIsAStorageExceptionNotWorthRetrying()
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(StorageTestDatabase.PostgresConnectionString) { Password = "wrong-" + Guid.NewGuid().ToString("N") };
        var database = new StorageDatabase(new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = builder.ConnectionString });

        var ex = Assert.ThrowsAsync<StorageException>(() => database.CheckConnectionAsync());

        Assert.That(ex!.Message, Does.Contain("password authentication failed"));
        Assert.That(ex.Message, Does.Not.Contain(builder.Password!));
        Assert.That(StorageErrors.IsTransient(ex), Is.False);
    }

    [Test]
    public async Task ServiceRegistrationGivesEveryStoreOnOneDatabase()
    {
        var folder = Path.Combine(Path.GetTempPath(), "tw-storage-tests", Guid.NewGuid().ToString("N"));
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddTicketWorkerStorage(new StorageOptions { ConnectionString = $"Data Source={folder}/t.db", RawMailPath = $"{folder}/raw" });
        await using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        try
        {
            var database = (StorageDatabase)provider.GetService(typeof(StorageDatabase))!;
            await database.MigrateAsync();
            var settings = (ISettingsStore)provider.GetService(typeof(ISettingsStore))!;

            var key = await database.InTransactionAsync(tx => settings.GetReplyTokenKeyAsync(tx));

            Assert.That(key, Has.Length.EqualTo(32));
            Assert.That(provider.GetService(typeof(ITicketStore)), Is.InstanceOf<SqlTicketStore>());
            Assert.That(provider.GetService(typeof(IOutboxStore)), Is.InstanceOf<SqlOutboxStore>());
            Assert.That(provider.GetService(typeof(IMailboxStateStore)), Is.InstanceOf<SqlMailboxStateStore>());
            Assert.That(provider.GetService(typeof(IQuarantineStore)), Is.InstanceOf<SqlQuarantineStore>());
            Assert.That(provider.GetService(typeof(RawMailStore)), Is.Not.Null);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void ConnectionStringWithAnUnknownKeywordIsReportedAsInvalid()
    {
        var ex = Assert.Throws<StorageException>(() => new StorageDatabase(new StorageOptions
        {
            Provider = StorageProvider.Postgres,
            ConnectionString = "Hots=127.0.0.1;Password=secret-pw",
        }));

        Assert.That(ex!.Message, Does.StartWith("Invalid PostgreSQL connection string:"));
        Assert.That(ex.Message, Does.Not.Contain("\n"));
        Assert.That(ex.Message, Does.Not.Contain("secret-pw"));
    }

    [Test]
    public void SqliteFileThatCannotBeCreatedGivesAStorageException()
    {
        var blocker = Path.GetTempFileName();
        try
        {
            // A folder cannot be created where a file is.
            var ex = Assert.Throws<StorageException>(() => new StorageDatabase(new StorageOptions { ConnectionString = $"Data Source={blocker}/sub/db.sqlite" }));

            Assert.That(ex!.Message, Does.Contain("SQLite"));
            Assert.That(ex.Message, Does.Not.Contain("\n"));
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    [Test]
    public void InvalidOptionsListEveryProblem()
    {
        var options = new StorageOptions { Provider = StorageProvider.SqlServer, ConnectionString = " ", MaxMessageSize = 0, RawMailPath = "" };

        var errors = options.Validate();
        var ex = Assert.Throws<StorageException>(() => new StorageDatabase(options));

        Assert.That(errors, Has.Count.EqualTo(3));
        Assert.That(ex!.Message, Does.Contain("ConnectionString").And.Contain("MaxMessageSize").And.Contain("RawMailPath"));
    }

    [Test]
    public async Task SqliteDefaultsToAFileUnderDataWithWalAndForeignKeys()
    {
        var folder = Path.Combine(Path.GetTempPath(), "tw-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = folder;
            var database = new StorageDatabase(new StorageOptions());
            await database.MigrateAsync();

            await using var connection = (SqliteConnection)await database.OpenConnectionAsync(CancellationToken.None);
            var journal = await Scalar(connection, "PRAGMA journal_mode");
            var foreignKeys = await Scalar(connection, "PRAGMA foreign_keys");
            var busy = await Scalar(connection, "PRAGMA busy_timeout");
            var pageSize = await Scalar(connection, "PRAGMA page_size");

            Assert.That(File.Exists(Path.Combine(folder, "data", "ticketworker.db")), Is.True);
            Assert.That(journal, Is.EqualTo("wal"));
            Assert.That(pageSize, Is.EqualTo(8192L), "a new database's pages");
            Assert.That(foreignKeys, Is.EqualTo(1L));
            Assert.That(busy, Is.EqualTo(30_000L));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task AnExistingSqliteDatabaseKeepsItsPageSize()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "old.db");
        await using (var old = new SqliteConnection($"Data Source={path}"))
        {
            await old.OpenAsync();
            await Scalar(old, "PRAGMA page_size = 4096; CREATE TABLE kept (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO kept (name) VALUES ('before')");
        }
        var database = new StorageDatabase(new StorageOptions
        {
            Provider = StorageProvider.Sqlite, ConnectionString = $"Data Source={path}", RawMailPath = Path.Combine(folder.Path, "raw"),
        });

        await database.MigrateAsync();

        object? pageSize, kept, tickets;
        await using (var connection = (SqliteConnection)await database.OpenConnectionAsync(CancellationToken.None))
        {
            pageSize = await Scalar(connection, "PRAGMA page_size");
            kept = await Scalar(connection, "SELECT name FROM kept");
            tickets = await Scalar(connection, "SELECT COUNT(*) FROM tickets");
        }
        SqliteConnection.ClearAllPools();

        Assert.That(pageSize, Is.EqualTo(4096L));
        Assert.That(kept, Is.EqualTo("before"));
        Assert.That(tickets, Is.EqualTo(0L), "migrated all the same");
    }

    private static async Task<object?> Scalar(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
