using TicketWorker.Storage;

namespace TicketWorker.Tests.Storage;

/// <summary>Migrations on an empty database of each provider (a new one per test).</summary>
[TestFixtureSource(typeof(StorageProviders), nameof(StorageProviders.All))]
public class SchemaMigratorTests
{
    private readonly StorageProvider provider;
    private StorageTestDatabase? empty;

    public SchemaMigratorTests(StorageProvider provider)
    {
        this.provider = provider;
    }

    [SetUp]
    public async Task CreateEmptyDatabaseAsync() => empty = await StorageTestDatabase.CreateAsync(provider);

    [TearDown]
    public async Task DropDatabaseAsync()
    {
        if (empty is not null)
        {
            await empty.DisposeAsync();
        }
    }

    [Test]
    public async Task MigratingTwiceAppliesEveryScriptOnceAndThenNothing()
    {
        var database = new StorageDatabase(empty!.Options());
        var before = await database.GetSchemaVersionAsync();

        var first = await database.MigrateAsync();
        var second = await database.MigrateAsync();
        var version = await database.GetSchemaVersionAsync();

        Assert.That(before, Is.Zero);
        Assert.That(first, Is.Not.Empty);
        Assert.That(first, Is.Ordered);
        Assert.That(second, Is.Empty);
        Assert.That(version, Is.EqualTo(first[^1]));
    }

    [Test]
    public async Task WorkersMigratingAtOnceApplyEachScriptExactlyOnce()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => new StorageDatabase(empty!.Options()).MigrateAsync())));

        var applied = results.SelectMany(r => r).ToList();
        var latest = await new StorageDatabase(empty!.Options()).GetSchemaVersionAsync();

        Assert.That(applied, Is.Unique);
        Assert.That(applied, Is.Not.Empty);
        Assert.That(applied.Max(), Is.EqualTo(latest));
        Assert.That(results.Count(r => r.Count > 0), Is.EqualTo(1), "one worker migrated, the others found it done");
    }

    [Test]
    public async Task FirstMigrationGeneratesAReplyTokenKeyThatLaterOnesKeep()
    {
        var database = new StorageDatabase(empty!.Options());
        var settings = new SqlSettingsStore(database);

        await database.MigrateAsync();
        var key = await database.InTransactionAsync(tx => settings.GetReplyTokenKeyAsync(tx));
        await database.MigrateAsync();
        var again = await database.InTransactionAsync(tx => settings.GetReplyTokenKeyAsync(tx));

        Assert.That(key, Has.Length.EqualTo(32));
        Assert.That(key, Is.Not.EqualTo(new byte[32]));
        Assert.That(again, Is.EqualTo(key));
    }

    [Test]
    public async Task SettingsAreInsertedAndReplaced()
    {
        var database = new StorageDatabase(empty!.Options());
        var settings = new SqlSettingsStore(database);
        await database.MigrateAsync();

        var absent = await database.InTransactionAsync(tx => settings.GetAsync(tx, "greeting"));
        await database.InTransactionAsync(async tx =>
        {
            await settings.SetAsync(tx, "greeting", "hello");
            await settings.SetAsync(tx, "greeting", "سلام");
            return true;
        });
        var value = await database.InTransactionAsync(tx => settings.GetAsync(tx, "greeting"));

        Assert.That(absent, Is.Null);
        Assert.That(value, Is.EqualTo("سلام"));
    }
}
