using TicketWorker.Storage;

namespace TicketWorker.Tests.Storage;

[TestFixtureSource(typeof(StorageProviders), nameof(StorageProviders.All))]
public class MailboxStateStoreTests : StorageContractFixture
{
    private SqlMailboxStateStore store = null!;

    public MailboxStateStoreTests(StorageProvider provider)
        : base(provider)
    {
    }

    [OneTimeSetUp]
    public void CreateStore() => store = new SqlMailboxStateStore(Database);

    [Test]
    public async Task CheckpointIsAbsentUntilSetThenReplacedInPlace()
    {
        var mailbox = "mb-" + Guid.NewGuid().ToString("N");
        var before = await InTransactionAsync(tx => store.GetCheckpointAsync(tx, mailbox, "INBOX"));
        var first = new MailboxCheckpoint { Mailbox = mailbox, Folder = "INBOX", UidValidity = 1_700_000_000, LastUid = 10, LastPollAt = Now, Connected = true, Backlog = 3 };
        var second = first with { LastUid = 4_000_000_000, Connected = false, LastError = "LOGIN failed", LastPollAt = Now.AddMinutes(1), Backlog = null };

        await InTransactionAsync(tx => store.SetCheckpointAsync(tx, first));
        var afterFirst = await InTransactionAsync(tx => store.GetCheckpointAsync(tx, mailbox, "INBOX"));
        await InTransactionAsync(tx => store.SetCheckpointAsync(tx, second));
        var afterSecond = await InTransactionAsync(tx => store.GetCheckpointAsync(tx, mailbox, "INBOX"));
        var other = await InTransactionAsync(tx => store.GetCheckpointAsync(tx, mailbox, "Archive"));
        var all = await InTransactionAsync(tx => store.ListCheckpointsAsync(tx));

        Assert.That(before, Is.Null);
        Assert.That(afterFirst, Is.EqualTo(first));
        Assert.That(afterSecond, Is.EqualTo(second));
        Assert.That(other, Is.Null);
        Assert.That(all.Count(c => c.Mailbox == mailbox), Is.EqualTo(1));
    }

    [Test]
    public async Task LeaseIsHeldByOneOwnerUntilItExpiresOrIsReleased()
    {
        var mailbox = "mb-" + Guid.NewGuid().ToString("N");

        var a = await InTransactionAsync(tx => store.TryAcquireLeaseAsync(tx, mailbox, "worker-a", Now, Now.AddMinutes(1)));
        var b = await InTransactionAsync(tx => store.TryAcquireLeaseAsync(tx, mailbox, "worker-b", Now.AddSeconds(30), Now.AddMinutes(2)));
        var renew = await InTransactionAsync(tx => store.TryAcquireLeaseAsync(tx, mailbox, "worker-a", Now.AddSeconds(40), Now.AddMinutes(3)));
        var bAfterExpiry = await InTransactionAsync(tx => store.TryAcquireLeaseAsync(tx, mailbox, "worker-b", Now.AddMinutes(3), Now.AddMinutes(4)));
        var holder = await InTransactionAsync(tx => store.GetLeaseAsync(tx, mailbox));
        await InTransactionAsync(tx => store.ReleaseLeaseAsync(tx, mailbox, "worker-a"));
        var stillB = await InTransactionAsync(tx => store.GetLeaseAsync(tx, mailbox));
        await InTransactionAsync(tx => store.ReleaseLeaseAsync(tx, mailbox, "worker-b"));
        var released = await InTransactionAsync(tx => store.GetLeaseAsync(tx, mailbox));
        var aAgain = await InTransactionAsync(tx => store.TryAcquireLeaseAsync(tx, mailbox, "worker-a", Now.AddMinutes(3), Now.AddMinutes(5)));

        Assert.That(a, Is.True);
        Assert.That(b, Is.False);
        Assert.That(renew, Is.True);
        Assert.That(bAfterExpiry, Is.True);
        Assert.That(holder, Is.EqualTo(("worker-b", Now.AddMinutes(4))));
        Assert.That(stillB?.Owner, Is.EqualTo("worker-b"));
        Assert.That(released, Is.Null);
        Assert.That(aAgain, Is.True);
    }
}
