using TicketWorker.Storage;

namespace TicketWorker.Tests.Storage;

[TestFixtureSource(typeof(StorageProviders), nameof(StorageProviders.All))]
public class IgnoredMessageStoreTests : StorageContractFixture
{
    private SqlIgnoredMessageStore store = null!;

    public IgnoredMessageStoreTests(StorageProvider provider)
        : base(provider)
    {
    }

    [OneTimeSetUp]
    public void CreateStore() => store = new SqlIgnoredMessageStore(Database);

    [Test]
    public async Task IgnoredMessageIsRecordedOnceAndListedNewestFirst()
    {
        var first = Ignored($"{Guid.NewGuid():N}@list.example.test");
        var second = Ignored($"{Guid.NewGuid():N}@list.example.test") with { Kind = "auto-reply", Mailbox = null, Uid = null };

        var added = await InTransactionAsync(tx => store.AddAsync(tx, first));
        var again = await InTransactionAsync(async tx =>
        {
            // A duplicate must not poison the transaction: the next insert still works.
            var duplicate = await store.AddAsync(tx, first with { Reason = "replayed" });
            await store.AddAsync(tx, second);
            return duplicate;
        });
        var tickets = new SqlTicketStore(Database);
        var exists = await InTransactionAsync(tx => tickets.FindTakenInAsync(tx, first.MessageId));
        var unknown = await InTransactionAsync(tx => tickets.FindTakenInAsync(tx, "nobody@example.test"));
        var listed = await InTransactionAsync(tx => store.ListAsync(tx, 2));

        Assert.That(added, Is.True);
        Assert.That(again, Is.False);
        Assert.That(exists, Is.EqualTo((true, (long?)null)), "taken in, on no ticket");
        Assert.That(unknown, Is.EqualTo((false, (long?)null)));
        Assert.That(listed.Select(m => m with { Id = 0 }), Is.EqualTo(new[] { second, first }));
    }

    private static IgnoredMessage Ignored(string messageId) => new()
    {
        MessageId = messageId,
        Kind = "bulk",
        Reason = "Precedence: bulk",
        RawReference = "file:sha256:" + new string('c', 64),
        RawSize = 2048,
        Mailbox = "support",
        Uid = 9,
        ReceivedAt = Now,
    };
}
