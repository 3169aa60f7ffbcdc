using System.Collections.Concurrent;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Storage;

[TestFixtureSource(typeof(StorageProviders), nameof(StorageProviders.All))]
public class OutboxStoreTests : StorageContractFixture
{
    private SqlOutboxStore outbox = null!;
    private SqlTicketStore tickets = null!;

    public OutboxStoreTests(StorageProvider provider)
        : base(provider)
    {
    }

    [OneTimeSetUp]
    public void CreateStores()
    {
        outbox = new SqlOutboxStore(Database);
        tickets = new SqlTicketStore(Database);
    }

    [SetUp]
    public Task EmptyOutboxAsync() =>
        InTransactionAsync(async tx =>
        {
            // Each test claims "everything due"; rows of earlier tests must not leak in.
            foreach (var item in await outbox.ListAsync(tx, null, 10_000))
            {
                if (item.Status is OutboxStatus.Queued or OutboxStatus.Sending)
                {
                    await outbox.MarkFailedAsync(tx, item.Id, "cleared by test set-up", Now);
                }
            }
        });

    [Test]
    public async Task EnqueueingTheSameKeyTwiceKeepsOneRowAndReturnsTheFirst()
    {
        var key = "ack:" + Guid.NewGuid().ToString("N");
        var first = await InTransactionAsync(tx => outbox.EnqueueAsync(tx, Item(key, [1, 2, 3])));
        var second = await InTransactionAsync(tx => outbox.EnqueueAsync(tx, Item(key, [9, 9, 9])));

        var rows = await InTransactionAsync(tx => outbox.ListAsync(tx, OutboxStatus.Queued, 1000));

        Assert.That(first.Created, Is.True);
        Assert.That(second.Created, Is.False);
        Assert.That(second.Item.Id, Is.EqualTo(first.Item.Id));
        Assert.That(second.Item.Raw, Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(rows.Count(r => r.IdempotencyKey == key), Is.EqualTo(1));
    }

    [Test]
    public async Task EnqueueingTheSameKeyInsideOneTransactionTwiceKeepsTheTransactionUsable()
    {
        var key = "ack:" + Guid.NewGuid().ToString("N");
        await using var tx = await Database.BeginAsync();
        var first = await outbox.EnqueueAsync(tx, Item(key, [1]));
        var second = await outbox.EnqueueAsync(tx, Item(key, [2]));
        var other = await outbox.EnqueueAsync(tx, Item(key + "-other", [3]));
        await tx.CommitAsync();

        Assert.That(second.Created, Is.False);
        Assert.That(second.Item.Id, Is.EqualTo(first.Item.Id));
        Assert.That(other.Created, Is.True);
    }

    [Test]
    public async Task WorkersEnqueueingTheSameKeyAtOnceCreateOneRow()
    {
        var key = "race:" + Guid.NewGuid().ToString("N");

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() =>
            InTransactionAsync(tx => outbox.EnqueueAsync(tx, Item(key, [(byte)i]))))));

        Assert.That(results.Count(r => r.Created), Is.EqualTo(1));
        Assert.That(results.Select(r => r.Item.Id).Distinct().Count(), Is.EqualTo(1));
        Assert.That(results.Select(r => r.Item.Raw[0]).Distinct().Count(), Is.EqualTo(1), "every caller sees the bytes of the row that won");
    }

    [Test]
    public async Task StoredItemRoundTripsEveryField()
    {
        var ticket = await InTransactionAsync(tx => tickets.CreateTicketAsync(tx, NewTicket()));
        var item = Item("rt:" + Guid.NewGuid().ToString("N"), [0, 255, 13, 10]) with
        {
            TicketId = ticket.Id,
            Mailbox = "support",
            EnvelopeFrom = "support@example.test",
            Recipients = ["a@example.test", "b@example.test"],
        };

        var created = await InTransactionAsync(tx => outbox.EnqueueAsync(tx, item));
        var read = await InTransactionAsync(tx => outbox.GetAsync(tx, created.Item.Id));

        Assert.That(read!.Raw, Is.EqualTo(item.Raw));
        Assert.That(read.Recipients, Is.EqualTo(item.Recipients));
        Assert.That(read with { Raw = item.Raw, Recipients = item.Recipients }, Is.EqualTo(item with { Id = created.Item.Id }));
    }

    [Test]
    public async Task AnItemQueuedAsNewRoundTripsEveryFieldAndANewKeyPresentAfterAllKeepsItsRow()
    {
        var ticket = await InTransactionAsync(tx => tickets.CreateTicketAsync(tx, NewTicket()));
        var item = Item("new:" + Guid.NewGuid().ToString("N"), [0, 255, 13, 10]) with
        {
            TicketId = ticket.Id,
            Mailbox = "support",
            EnvelopeFrom = "support@example.test",
            Recipients = ["a@example.test", "b@example.test"],
            Recipe = "{\"template\":\"ack\"}",
        };

        await InTransactionAsync(async tx =>
        {
            await outbox.EnqueueNewAsync(tx, item);
            // Read back in the same transaction: the held-back insert (PostgreSQL) goes with this statement.
            Assert.That((await outbox.FindByKeyAsync(tx, item.IdempotencyKey))?.Recipe, Is.EqualTo(item.Recipe));
        });
        await InTransactionAsync(tx => outbox.EnqueueNewAsync(tx, item with { Raw = [9], Recipe = "other" }));
        var read = await InTransactionAsync(tx => outbox.FindByKeyAsync(tx, item.IdempotencyKey));

        Assert.That(read!.Raw, Is.EqualTo(item.Raw));
        Assert.That(read.Recipients, Is.EqualTo(item.Recipients));
        Assert.That(read with { Raw = item.Raw, Recipients = item.Recipients }, Is.EqualTo(item with { Id = read.Id }));
    }

    [Test]
    public async Task TwoWorkersClaimingAtOnceNeverGetTheSameRow()
    {
        const int Rows = 40;
        var prefix = "claim:" + Guid.NewGuid().ToString("N");
        await InTransactionAsync(async tx =>
        {
            for (var i = 0; i < Rows; i++)
            {
                await outbox.EnqueueAsync(tx, Item($"{prefix}:{i}", [(byte)i]));
            }
        });

        var claimed = new ConcurrentBag<(string Worker, long Id)>();
        async Task Work(string worker)
        {
            while (true)
            {
                var batch = await InTransactionAsync(tx => outbox.ClaimDueAsync(tx, worker, 3, Now, Now.AddMinutes(5)));
                if (batch.Count == 0)
                {
                    return;
                }

                foreach (var item in batch)
                {
                    Assert.That(item.ClaimedBy, Is.EqualTo(worker));
                    Assert.That(item.Status, Is.EqualTo(OutboxStatus.Sending));
                    claimed.Add((worker, item.Id));
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(() => Work($"worker-{w}"))));

        Assert.That(claimed.Select(c => c.Id), Is.Unique);
        Assert.That(claimed, Has.Count.EqualTo(Rows));
    }

    [Test]
    public async Task RowsAreClaimedOnlyWhenDueAndAgainWhenTheClaimExpired()
    {
        var later = await InTransactionAsync(tx => outbox.EnqueueAsync(tx, Item("due:" + Guid.NewGuid().ToString("N"), [1]) with { NextAttemptAt = Now.AddMinutes(10) }));
        var due = await InTransactionAsync(tx => outbox.EnqueueAsync(tx, Item("due:" + Guid.NewGuid().ToString("N"), [2])));

        var first = await InTransactionAsync(tx => outbox.ClaimDueAsync(tx, "a", 10, Now, Now.AddMinutes(1)));
        var whileClaimed = await InTransactionAsync(tx => outbox.ClaimDueAsync(tx, "b", 10, Now.AddSeconds(30), Now.AddMinutes(2)));
        var afterExpiry = await InTransactionAsync(tx => outbox.ClaimDueAsync(tx, "b", 10, Now.AddMinutes(2), Now.AddMinutes(3)));

        Assert.That(first.Select(i => i.Id), Is.EqualTo(new[] { due.Item.Id }));
        Assert.That(first[0].Attempts, Is.EqualTo(1));
        Assert.That(whileClaimed, Is.Empty);
        Assert.That(afterExpiry.Select(i => i.Id), Is.EquivalentTo(new[] { due.Item.Id }));
        Assert.That(afterExpiry[0].Attempts, Is.EqualTo(2));
        Assert.That(afterExpiry[0].ClaimedBy, Is.EqualTo("b"));
        Assert.That(later.Item.Id, Is.Not.EqualTo(due.Item.Id));
    }

    [Test]
    public async Task SentFailedAndRescheduledRowsChangeStateAndOutboundMessageFollows()
    {
        var ticket = await InTransactionAsync(tx => tickets.CreateTicketAsync(tx, NewTicket()));
        var sentId = $"{Guid.NewGuid():N}@support.example.test";
        var failedId = $"{Guid.NewGuid():N}@support.example.test";
        var (sent, failed, retried) = await InTransactionAsync(async tx =>
        {
            await tickets.AddMessageAsync(tx, NewMessage(ticket.Id, sentId, MessageDirection.Outbound));
            await tickets.AddMessageAsync(tx, NewMessage(ticket.Id, failedId, MessageDirection.Outbound));
            var s = await outbox.EnqueueAsync(tx, Item("s:" + sentId, [1]) with { MessageId = sentId, TicketId = ticket.Id });
            var f = await outbox.EnqueueAsync(tx, Item("f:" + failedId, [2]) with { MessageId = failedId, TicketId = ticket.Id });
            var r = await outbox.EnqueueAsync(tx, Item("r:" + Guid.NewGuid().ToString("N"), [3]));
            return (s.Item, f.Item, r.Item);
        });
        await InTransactionAsync(tx => outbox.ClaimDueAsync(tx, "w", 10, Now, Now.AddMinutes(1)));

        await InTransactionAsync(async tx =>
        {
            await outbox.MarkSentAsync(tx, sent.Id, Now.AddSeconds(5));
            await outbox.MarkFailedAsync(tx, failed.Id, "550 5.1.1 no such user", Now.AddSeconds(5));
            await outbox.RescheduleAsync(tx, retried.Id, Now.AddMinutes(4), "421 try later");
        });

        var sentRow = await InTransactionAsync(tx => outbox.GetAsync(tx, sent.Id));
        var failedRow = await InTransactionAsync(tx => outbox.GetAsync(tx, failed.Id));
        var retriedRow = await InTransactionAsync(tx => outbox.GetAsync(tx, retried.Id));
        var sentMessage = await InTransactionAsync(tx => tickets.FindMessageByMessageIdAsync(tx, sentId));
        var failedMessage = await InTransactionAsync(tx => tickets.FindMessageByMessageIdAsync(tx, failedId));
        var counts = await InTransactionAsync(tx => outbox.CountAsync(tx));

        Assert.That(sentRow!.Status, Is.EqualTo(OutboxStatus.Sent));
        Assert.That(sentRow.SentAt, Is.EqualTo(Now.AddSeconds(5)));
        Assert.That(sentRow.ClaimedBy, Is.Null);
        Assert.That(failedRow!.Status, Is.EqualTo(OutboxStatus.Failed));
        Assert.That(failedRow.LastError, Is.EqualTo("550 5.1.1 no such user"));
        Assert.That(retriedRow!.Status, Is.EqualTo(OutboxStatus.Queued));
        Assert.That(retriedRow.NextAttemptAt, Is.EqualTo(Now.AddMinutes(4)));
        Assert.That(retriedRow.LastError, Is.EqualTo("421 try later"));
        Assert.That(sentMessage!.Status, Is.EqualTo(DeliveryStatus.Sent));
        Assert.That(failedMessage!.Status, Is.EqualTo(DeliveryStatus.Failed));
        Assert.That(failedMessage.FailureReason, Is.EqualTo("550 5.1.1 no such user"));
        Assert.That(counts.Queued, Is.EqualTo(1));
        Assert.That(counts.Sending, Is.Zero);
    }

    [Test]
    public async Task ARecipeRowShowsOnItsTicketUntilItsComposedMessageIsStored()
    {
        var ticket = await InTransactionAsync(tx => tickets.CreateTicketAsync(tx, NewTicket()));
        var (queued, failing) = await InTransactionAsync(async tx => (
            (await outbox.EnqueueAsync(tx, Item("q:" + Guid.NewGuid().ToString("N"), []) with { TicketId = ticket.Id, Recipe = "{}", EnvelopeFrom = "support@example.test" })).Item,
            (await outbox.EnqueueAsync(tx, Item("x:" + Guid.NewGuid().ToString("N"), []) with { TicketId = ticket.Id, Recipe = "{}", Kind = "notification" })).Item));
        await InTransactionAsync(tx => outbox.MarkFailedAsync(tx, failing.Id, "not composable: the ticket is gone", Now));

        var before = await InTransactionAsync(tx => tickets.GetTicketWithMessagesAsync(tx, ticket.Number));
        var composed = new TicketWorker.Outbox.ComposedMail([1, 2, 3], "Re: Printer", "We have it.", NewMessage(ticket.Id, queued.MessageId, MessageDirection.Outbound) with { Subject = "Re: Printer" });
        await InTransactionAsync(tx => composed.StoreAsync(tx, queued.Id, outbox, tickets, CancellationToken.None));
        var after = await InTransactionAsync(tx => tickets.GetTicketWithMessagesAsync(tx, ticket.Number));

        Assert.That(before!.Messages.Select(m => (m.Kind, m.MessageId, m.Direction, m.Subject, m.Status, m.FailureReason, m.From)), Is.EqualTo(new[]
        {
            ("ack", queued.MessageId, MessageDirection.Outbound, (string?)null, (DeliveryStatus?)DeliveryStatus.Queued, (string?)null, "support@example.test"),
            ("notification", failing.MessageId, MessageDirection.Outbound, null, DeliveryStatus.Failed, "not composable: the ticket is gone", ""),
        }));
        Assert.That(after!.Messages.Select(m => (m.MessageId, m.Subject)), Is.EquivalentTo(new[] { (queued.MessageId, (string?)"Re: Printer"), (failing.MessageId, null) }),
            "the stored message replaces the row's; the failed one stays shown from its row");
        Assert.That((await InTransactionAsync(tx => outbox.GetAsync(tx, queued.Id)))!.Raw, Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public async Task CancellingAQueuedRowKeepsItFromBeingClaimed()
    {
        var item = await InTransactionAsync(tx => outbox.EnqueueAsync(tx, Item("c:" + Guid.NewGuid().ToString("N"), [1])));

        var cancelled = await InTransactionAsync(tx => outbox.CancelAsync(tx, item.Item.Id, "agent answered first"));
        var again = await InTransactionAsync(tx => outbox.CancelAsync(tx, item.Item.Id, "twice"));
        var claimed = await InTransactionAsync(tx => outbox.ClaimDueAsync(tx, "w", 10, Now.AddDays(1), Now.AddDays(2)));

        Assert.That(cancelled, Is.True);
        Assert.That(again, Is.False);
        Assert.That(claimed.Select(c => c.Id), Does.Not.Contain(item.Item.Id));
    }

    private static OutboxItem Item(string key, byte[] raw) => new()
    {
        IdempotencyKey = key,
        Kind = "ack",
        Recipients = ["customer@example.test"],
        MessageId = $"{Guid.NewGuid():N}@support.example.test",
        Raw = raw,
        NextAttemptAt = Now,
        CreatedAt = Now,
    };
}
