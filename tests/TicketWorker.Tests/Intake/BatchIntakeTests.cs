using System.Text;
using TicketWorker.Intake;
using TicketWorker.Storage;
using TicketWorker.Tests.Infrastructure;

namespace TicketWorker.Tests.Intake;

/// <summary>
/// Group commit: a batch of messages is written in one transaction with the checkpoint, each message
/// seeing the ones before it; one bad message is quarantined without holding back the others. On every
/// provider: on a server the batch asks ahead for the next messages' Message-IDs and senders (TicketBatch.LookAheadAsync).
/// </summary>
[TestFixtureSource(typeof(Storage.StorageProviders), nameof(Storage.StorageProviders.All))]
public class BatchIntakeTests(StorageProvider provider)
{
    private IngestHarness _h = null!;

    [SetUp]
    public async Task SetUp() => _h = await IngestHarness.StartAsync(provider: provider);

    [TearDown]
    public void TearDown() => _h?.Dispose();

    private static byte[] Bytes(string raw) => Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n"));

    /// <summary>Writes the messages into one segment (UIDs 1…n of mailbox "support") and ingests them as one batch.</summary>
    private async Task<IReadOnlyList<IngestResult>> IngestBatchAsync(IReadOnlyList<byte[]> messages, Func<IStorageTransaction, Task>? inTransaction = null)
    {
        await using var segment = _h.App.RawStore.BeginSegment();
        var items = new List<IngestBatchItem>();
        for (var i = 0; i < messages.Count; i++)
        {
            var (reference, fullSize) = await segment.AppendAsync(new MemoryStream(messages[i]));
            items.Add(new IngestBatchItem(reference, new IngestSource("support", i + 1), fullSize));
        }
        return await _h.App.Ingest.IngestBatchAsync(segment, items, inTransaction, CancellationToken.None);
    }

    private Task<int> QuarantinedAsync() => _h.App.Database.InReadAsync(tx => _h.App.Quarantine.CountAsync(tx));

    [Test]
    public async Task AFollowUpInTheSameBatchJoinsTheTicketItsFirstMessageOpened()
    {
        var results = await IngestBatchAsync([
            Bytes(Mails.Customer("ann@example.org", "Printer broken", "b1@example.org")),
            Bytes(Mails.Customer("bob@example.com", "Invoice", "b2@example.com")),
            Bytes(Mails.Reply("ann@example.org", "Re: Printer broken", "b3@example.org", "b1@example.org")),
        ]);
        Assert.That(results.Select(r => r.Action), Is.EqualTo(new[] { "created", "created", "appended" }));
        Assert.That(results[2].Ticket, Is.EqualTo(results[0].Ticket));
        Assert.That((await _h.InboundCountsAsync())[results[0].Ticket!.Value], Is.EqualTo(2));
    }

    [Test]
    public async Task AMessageIdTwiceInOneBatchIsStoredOnce()
    {
        var mail = Bytes(Mails.Customer("ann@example.org", "Printer broken", "dup-1@example.org"));
        var results = await IngestBatchAsync([mail, Bytes(Mails.Customer("bob@example.com", "Other", "dup-2@example.com")), mail]);
        Assert.That(results.Select(r => r.Action), Is.EqualTo(new[] { "created", "created", "duplicate" }));
        Assert.That(results[2].Ticket, Is.EqualTo(results[0].Ticket));
        Assert.That((await _h.InboundCountsAsync()).Values, Is.EqualTo(new[] { 1, 1 }));
        var acks = await _h.App.Database.InReadAsync(tx => _h.App.Outbox.CountAsync(tx));
        Assert.That(acks.Queued, Is.EqualTo(2), "one acknowledgement per new ticket, none for the duplicate");
    }

    [Test]
    public async Task EveryAcknowledgementOfABatchIsStoredWithItsTicketBeforeTheCommitAndTheDailyLimitHoldsWithinTheBatch()
    {
        // One sender writing seven times among others: the limit of automatic mails per day must see the batch's own acknowledgements.
        const int count = 24;
        var mails = Enumerable.Range(1, count)
            .Select(i => Bytes(Mails.Customer(i <= 7 ? "repeat@example.org" : $"c{i}@example.org", $"Question {i}", $"d{i}@example.org"))).ToList();
        var results = await IngestBatchAsync(mails);
        Assert.That(results.Select(r => r.Action), Is.All.EqualTo("created"));

        var rows = await _h.App.Database.InReadAsync(tx => _h.App.Outbox.ListAsync(tx, null, 1000));
        var acks = rows.Where(r => r.Kind == "ack").OrderBy(r => r.Id).ToList();
        await _h.App.ComposeQueuedAsync();
        Assert.That(acks.Count(r => r.Recipients.Single() == "repeat@example.org"), Is.EqualTo(5), "rules.yaml ack.max_per_day (5) within one batch");
        Assert.That(acks, Has.Count.EqualTo(count - 2));
        Assert.That(acks.Select(r => r.TicketId), Is.Ordered, "stored in the order the writer asked for them");
        for (var i = 0; i < count; i++)
        {
            var details = (await _h.TicketAsync(results[i].Ticket!.Value))!;
            var ack = acks.SingleOrDefault(r => r.TicketId == details.Ticket.Id);
            if (i is 5 or 6)
            {
                Assert.That(ack, Is.Null, "the sixth and seventh mail of one sender get none");
                continue;
            }
            var row = await _h.App.Database.InReadAsync(tx => _h.App.Outbox.GetAsync(tx, ack!.Id));
            var sent = MimeKit.MimeMessage.Load(new MemoryStream(row!.Raw));
            Assert.That(sent.InReplyTo, Is.EqualTo(results[i].MessageId), "each row carries its own ticket's mail");
            Assert.That(sent.MessageId, Is.EqualTo(ack!.MessageId));
            Assert.That(details.Messages.Single(m => m.Kind == "ack").MessageId, Is.EqualTo(ack.MessageId), "the ticket keeps the acknowledgement that is queued");
        }
    }

    [Test]
    public async Task WhatEarlierBatchesTookInIsKnownInALaterOne()
    {
        // Batch 1: a ticket, a bulk mail (kept as ignored) and five acknowledgements to one sender (the daily limit).
        var first = await IngestBatchAsync([
            Bytes(Mails.Customer("ann@example.org", "Printer broken", "e1@example.org")),
            Bytes(Mails.Customer("news@example.org", "Our offers", "e2@example.org", headers: "Precedence: bulk\n")),
            .. Enumerable.Range(1, 5).Select(i => Bytes(Mails.Customer("Repeat@Example.org", $"Question {i}", $"r{i}@example.org"))),
        ]);
        Assert.That(first.Select(r => r.Action), Is.EqualTo(new[] { "created", "ignored", "created", "created", "created", "created", "created" }));

        // Batch 2: both Message-IDs again, a new one, and the same sender once more (its address in other case).
        var second = await IngestBatchAsync([
            Bytes(Mails.Customer("ann@example.org", "Printer broken", "e1@example.org")),
            Bytes(Mails.Customer("news@example.org", "Our offers", "e2@example.org", headers: "Precedence: bulk\n")),
            Bytes(Mails.Customer("carl@example.org", "New", "e3@example.org")),
            Bytes(Mails.Customer("repeat@example.ORG", "Question 6", "r6@example.org")),
        ]);

        Assert.That(second.Select(r => r.Action), Is.EqualTo(new[] { "duplicate", "duplicate", "created", "created" }));
        Assert.That(second[0].Ticket, Is.EqualTo(first[0].Ticket), "the duplicate names the ticket its first copy is on");
        Assert.That(second[1].Ticket, Is.Null, "an ignored message is on no ticket");
        var acks = (await _h.App.Database.InReadAsync(tx => _h.App.Outbox.ListAsync(tx, null, 1000))).Where(r => r.Kind == "ack").ToList();
        Assert.That(acks.Count(r => r.Recipients.Single().Equals("repeat@example.org", StringComparison.OrdinalIgnoreCase)), Is.EqualTo(5),
            "the sixth mail of the day gets none, though the first five were counted in an earlier batch");
        Assert.That(acks, Has.Count.EqualTo(7));
    }

    [Test]
    public async Task ABadMessageInABatchIsQuarantinedWithItsBytesAndTheOthersAreTicketed()
    {
        byte[] garbage = [0, 1, 2, 3, 0xff, 0xfe, 0, 0, 9];
        var tooLarge = Bytes(Mails.Customer("carl@example.org", "Huge", "huge@example.org", body: new string('x', 300_000)));
        var results = await IngestBatchAsync([
            Bytes(Mails.Customer("ann@example.org", "Before", "q1@example.org")),
            garbage,
            tooLarge,
            Bytes(Mails.Customer("bob@example.com", "After", "q2@example.com")),
        ]);
        Assert.That(results.Select(r => r.Action), Is.EqualTo(new[] { "created", "quarantined", "quarantined", "created" }));
        Assert.That(await QuarantinedAsync(), Is.EqualTo(2));
        var items = await _h.App.Database.InReadAsync(tx => _h.App.Quarantine.ListAsync(tx, false));
        var kept = items.Single(i => i.Uid == 2);
        await using (var raw = await _h.App.RawStore.OpenAsync(kept.RawReference))
        {
            var copy = new MemoryStream();
            await raw.CopyToAsync(copy);
            Assert.That(copy.ToArray(), Is.EqualTo(garbage), "the raw bytes of the bad message are kept");
        }
        Assert.That(items.Single(i => i.Uid == 3).Reason, Does.Contain("exceeds MaxMessageSize"));
    }

    [Test]
    public async Task NothingOfABatchIsCommittedWhenItsCheckpointCannotBeWrittenAndTheRetryWritesItOnce()
    {
        var mails = new[]
        {
            Bytes(Mails.Customer("ann@example.org", "Printer broken", "c1@example.org")),
            Bytes(Mails.Reply("ann@example.org", "Re: Printer broken", "c2@example.org", "c1@example.org")),
        };
        // The commit point fails (as a crash or a lost database would): the batch and the checkpoint go together.
        Assert.ThrowsAsync<IOException>(() => IngestBatchAsync(mails, _ => throw new IOException("disk gone")));
        Assert.That(await _h.TicketsAsync(), Is.Empty);
        Assert.That(await _h.App.Database.InReadAsync(tx => _h.App.MailboxState.GetCheckpointAsync(tx, "support", "INBOX")), Is.Null);

        var results = await IngestBatchAsync(mails, tx => _h.App.MailboxState.SetCheckpointAsync(tx,
            new MailboxCheckpoint { Mailbox = "support", Folder = "INBOX", UidValidity = 1, LastUid = 2 }));
        Assert.That(results.Select(r => r.Action), Is.EqualTo(new[] { "created", "appended" }));
        Assert.That((await _h.InboundCountsAsync()).Values, Is.EqualTo(new[] { 2 }));
        var checkpoint = await _h.App.Database.InReadAsync(tx => _h.App.MailboxState.GetCheckpointAsync(tx, "support", "INBOX"));
        Assert.That(checkpoint!.LastUid, Is.EqualTo(2));
    }

    [Test]
    public async Task TheBatchSegmentIsOneFileAndEachMessageReadsBackExactly()
    {
        var mails = Enumerable.Range(0, 5).Select(i => Bytes(Mails.Customer($"c{i}@example.org", $"Seg {i}", $"seg-{i}@example.org"))).ToArray();
        await IngestBatchAsync(mails);
        Assert.That(Directory.EnumerateFiles(Path.Combine(_h.DataPath, "raw", "seg"), "*.seg", SearchOption.AllDirectories).Count(), Is.EqualTo(1));
        foreach (var t in await _h.TicketsAsync())
        {
            var message = (await _h.TicketAsync(t.Ticket.Number))!.Messages.Single(m => m.Direction == MessageDirection.Inbound);
            await using var raw = await _h.App.RawStore.OpenAsync(message.RawReference!);
            var copy = new MemoryStream();
            await raw.CopyToAsync(copy);
            Assert.That(copy.ToArray(), Is.EqualTo(mails.Single(m => Encoding.UTF8.GetString(m).Contains(message.MessageId, StringComparison.Ordinal))));
        }
    }
}
