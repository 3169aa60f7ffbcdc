using Microsoft.Extensions.Configuration;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Storage;

public class StorageConfigurationTests
{
    [Test]
    public void ProviderNamesAndStorageKeysAreRead()
    {
        var options = StorageConfiguration.FromConfiguration(Section(new()
        {
            ["Database:Provider"] = "PostgreSQL",
            ["Database:ConnectionString"] = "Host=db;Username=u;Password=p;Database=d",
            ["Database:CommandTimeout"] = "00:01:00",
            ["Storage:RawMailPath"] = "/var/lib/tw/raw",
            ["Storage:StoreRawInDatabase"] = "true",
            ["Storage:MaxMessageSize"] = "1048576",
        }), "/srv");

        Assert.That(options.Provider, Is.EqualTo(StorageProvider.Postgres));
        Assert.That(options.ConnectionString, Is.EqualTo("Host=db;Username=u;Password=p;Database=d"));
        Assert.That(options.CommandTimeout, Is.EqualTo(TimeSpan.FromMinutes(1)));
        Assert.That(options.RawMailPath, Is.EqualTo("/var/lib/tw/raw"));
        Assert.That(options.StoreRawInDatabase, Is.True);
        Assert.That(options.MaxMessageSize, Is.EqualTo(1_048_576));
    }

    [Test]
    public void DefaultsPutSqliteAndRawMailUnderDataOfTheBaseDirectory()
    {
        var options = StorageConfiguration.FromConfiguration(Section([]), "/srv/tw");

        Assert.That(options.Provider, Is.EqualTo(StorageProvider.Sqlite));
        Assert.That(options.EffectiveConnectionString, Does.Contain("/srv/tw/data/ticketworker.db"));
        Assert.That(options.RawMailPath, Is.EqualTo("/srv/tw/data/raw"));
        Assert.That(options.MaxMessageSize, Is.EqualTo(50L * 1024 * 1024));
    }

    [Test]
    public void PostgresStatementsArePreparedOnTheServerUnlessTheConnectionStringSaysOtherwise()
    {
        static Npgsql.NpgsqlConnectionStringBuilder Effective(string connectionString) =>
            new(TicketWorker.Storage.Dialects.SqlDialect.For(StorageProvider.Postgres).PrepareConnectionString(connectionString, TimeSpan.FromSeconds(30)));

        Assert.That(Effective("Host=db;Username=u;Database=d").MaxAutoPrepare, Is.EqualTo(64));
        // Behind PgBouncer in transaction mode prepared statements must be off: an explicit value is kept.
        Assert.That(Effective("Host=db;Username=u;Database=d;Max Auto Prepare=0").MaxAutoPrepare, Is.EqualTo(0));
        Assert.That(Effective("Host=db;Username=u;Database=d;maxautoprepare=8").MaxAutoPrepare, Is.EqualTo(8));
    }

    [Test]
    public void EveryBadValueIsReportedInOneMessage()
    {
        var ex = Assert.Throws<StorageException>(() => StorageConfiguration.FromConfiguration(Section(new()
        {
            ["Database:Provider"] = "oracle",
            ["Database:CommandTimeout"] = "soon",
            ["Storage:MaxMessageSize"] = "-5",
            ["Storage:StoreRawInDatabase"] = "perhaps",
        }), "/srv"));

        Assert.That(ex!.Message, Does.Contain("Provider 'oracle'"));
        Assert.That(ex.Message, Does.Contain("CommandTimeout 'soon'"));
        Assert.That(ex.Message, Does.Contain("MaxMessageSize '-5'"));
        Assert.That(ex.Message, Does.Contain("StoreRawInDatabase 'perhaps'"));
        Assert.That(ex.Message, Does.Not.Contain("\n"));
    }

    private static IConfiguration Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(kv => "TicketWorker:" + kv.Key, kv => kv.Value)).Build().GetSection("TicketWorker");
}
