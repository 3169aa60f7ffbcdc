using TicketWorker.Storage;

namespace TicketWorker.Tests.Storage;

[TestFixtureSource(typeof(StorageProviders), nameof(StorageProviders.All))]
public class QuarantineStoreTests : StorageContractFixture
{
    private SqlQuarantineStore store = null!;

    public QuarantineStoreTests(StorageProvider provider)
        : base(provider)
    {
    }

    [OneTimeSetUp]
    public void CreateStore() => store = new SqlQuarantineStore(Database);

    [Test]
    public async Task QuarantinedItemIsListedUntilARetryResolvesIt()
    {
        var item = new QuarantineItem
        {
            RawReference = "file:sha256:" + new string('b', 64),
            RawSize = 512,
            Reason = "MIME nesting deeper than 100 levels",
            Mailbox = "support",
            Uid = 42,
            CreatedAt = Now,
        };

        var id = await InTransactionAsync(tx => store.AddAsync(tx, item));
        var listed = await InTransactionAsync(tx => store.ListAsync(tx, includeResolved: false));
        var countBefore = await InTransactionAsync(tx => store.CountAsync(tx));
        await InTransactionAsync(tx => store.MarkRetriedAsync(tx, id, Now.AddHours(1), resolved: false, "still broken"));
        var failedRetry = await InTransactionAsync(tx => store.GetAsync(tx, id));
        await InTransactionAsync(tx => store.MarkRetriedAsync(tx, id, Now.AddHours(2), resolved: true, null));
        var resolved = await InTransactionAsync(tx => store.GetAsync(tx, id));
        var listedAfter = await InTransactionAsync(tx => store.ListAsync(tx, includeResolved: false));
        var listedAll = await InTransactionAsync(tx => store.ListAsync(tx, includeResolved: true));
        var countAfter = await InTransactionAsync(tx => store.CountAsync(tx));

        Assert.That(listed.Single(i => i.Id == id), Is.EqualTo(item with { Id = id }));
        Assert.That(failedRetry, Is.EqualTo(item with { Id = id, RetriedAt = Now.AddHours(1), RetryCount = 1, Reason = "still broken" }));
        Assert.That(resolved, Is.EqualTo(item with { Id = id, RetriedAt = Now.AddHours(2), RetryCount = 2, Reason = "still broken", Resolved = true }));
        Assert.That(listedAfter.Select(i => i.Id), Does.Not.Contain(id));
        Assert.That(listedAll.Select(i => i.Id), Does.Contain(id));
        Assert.That(countAfter, Is.EqualTo(countBefore - 1));
    }

    [Test]
    public async Task UnresolvedItemIsFoundByItsRawReference()
    {
        var reference = "file:sha256:" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var item = new QuarantineItem { RawReference = reference, RawSize = 1, Reason = "broken", CreatedAt = Now };
        var id = await InTransactionAsync(tx => store.AddAsync(tx, item));

        var found = await InTransactionAsync(tx => store.FindUnresolvedByRawReferenceAsync(tx, reference));
        await InTransactionAsync(tx => store.MarkRetriedAsync(tx, id, Now, resolved: true, null));
        var afterResolve = await InTransactionAsync(tx => store.FindUnresolvedByRawReferenceAsync(tx, reference));

        Assert.That(found?.Id, Is.EqualTo(id));
        Assert.That(afterResolve, Is.Null);
    }

    [Test]
    public async Task UnknownIdIsNull()
    {
        var item = await InTransactionAsync(tx => store.GetAsync(tx, 987_654_321));

        Assert.That(item, Is.Null);
    }
}
