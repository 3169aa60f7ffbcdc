using TicketWorker.Storage;

namespace TicketWorker.Tests.Storage;

[TestFixtureSource(typeof(StorageProviders), nameof(StorageProviders.All))]
public class TicketStoreTests : StorageContractFixture
{
    private SqlTicketStore store = null!;

    public TicketStoreTests(StorageProvider provider)
        : base(provider)
    {
    }

    [OneTimeSetUp]
    public void CreateStore() => store = new SqlTicketStore(Database);

    [Test]
    public async Task CreatedTicketRoundTripsEveryField()
    {
        var previous = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));
        var ticket = NewTicket() with
        {
            Status = TicketStatus.Pending,
            Priority = "urgent",
            Team = "billing",
            Owner = "agent1@example.test",
            Language = "fa",
            Tags = ["vip", "سلام"],
            SlaPolicy = "gold",
            FirstResponseAt = Now.AddMinutes(5),
            EscalationLevel = 2,
            EstimateDueAt = Now.AddHours(30),
            EstimateSource = "history",
            EstimateSamples = 42,
            PreviousTicketId = previous.Id,
            ReplyToken = "tok-" + Guid.NewGuid().ToString("N"),
        };

        var created = await InTransactionAsync(tx => store.CreateTicketAsync(tx, ticket));
        var read = await InTransactionAsync(tx => store.FindTicketByNumberAsync(tx, created.Number));

        Assert.That(read, Is.EqualTo(created with { Tags = read!.Tags }));
        Assert.That(read.Tags, Is.EqualTo(new[] { "vip", "سلام" }));
        Assert.That(read.CustomerAddress, Is.EqualTo("customer@example.test"));
        Assert.That(read.CreatedAt.Offset, Is.EqualTo(TimeSpan.Zero));
        Assert.That(read.Number, Is.EqualTo(previous.Number + 1));
    }

    [Test]
    public async Task ConcurrentCreationGivesEveryTicketItsOwnNumber()
    {
        const int Workers = 6;
        const int PerWorker = 5;
        var tasks = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            var numbers = new List<long>();
            for (var i = 0; i < PerWorker; i++)
            {
                var ticket = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket($"c{w}-{i}@example.test")));
                numbers.Add(ticket.Number);
            }

            return numbers;
        }));

        var numbers = (await Task.WhenAll(tasks)).SelectMany(n => n).ToList();

        Assert.That(numbers, Is.Unique);
        Assert.That(numbers, Has.Count.EqualTo(Workers * PerWorker));
        var all = await InTransactionAsync(tx => store.ListTicketsAsync(tx, null));
        Assert.That(all.Select(t => t.Ticket.Number), Is.Unique);
        Assert.That(all.Max(t => t.Ticket.Number), Is.EqualTo(all.Count), "numbers are sequential without gaps");
    }

    [Test]
    public async Task SecondMessageWithTheSameMessageIdIsReportedAsDuplicateAndTheTransactionGoesOn()
    {
        var ticket = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));
        var other = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));
        var messageId = $"{Guid.NewGuid():N}@example.test";
        var first = await InTransactionAsync(tx => store.AddMessageAsync(tx, NewMessage(ticket.Id, messageId)));

        await using var tx = await Database.BeginAsync();
        var second = await store.AddMessageAsync(tx, NewMessage(other.Id, messageId));
        var afterDuplicate = await store.AddMessageAsync(tx, NewMessage(other.Id, "after-" + messageId));
        await tx.CommitAsync();

        Assert.That(first.IsDuplicate, Is.False);
        Assert.That(second, Is.EqualTo(new AddMessageResult(true, first.MessageRowId, ticket.Id)));
        Assert.That(afterDuplicate.IsDuplicate, Is.False);
        var stored = await InTransactionAsync(t => store.FindMessageByMessageIdAsync(t, "after-" + messageId));
        Assert.That(stored?.TicketId, Is.EqualTo(other.Id));
    }

    [Test]
    public async Task WorkersStoringTheSameMessageAtOnceStoreItOnce()
    {
        var ticket = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));
        var messageId = $"{Guid.NewGuid():N}@example.test";

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            InTransactionAsync(tx => store.AddMessageAsync(tx, NewMessage(ticket.Id, messageId))))));

        Assert.That(results.Count(r => !r.IsDuplicate), Is.EqualTo(1));
        Assert.That(results.Select(r => r.MessageRowId).Distinct().Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task MessageWithAttachmentsRoundTripsThroughTicketDetails()
    {
        var ticket = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));
        var message = NewMessage(ticket.Id, $"{Guid.NewGuid():N}@example.test") with
        {
            InReplyTo = "parent@example.test",
            References = ["root@example.test", "parent@example.test"],
            FromName = "Kim",
            Cc = ["boss@example.test"],
            Text = "Help\r\n> the old mail\r\n",
            NewText = "Help",
            Html = "<p>Help</p>",
            RawReference = "file:sha256:" + new string('a', 64),
            RawSize = 1234,
            Mailbox = "support",
            Uid = 77,
            Attachments = [new AttachmentRecord { FileName = "résumé.pdf", ContentType = "application/pdf", Size = 99 }],
        };

        await InTransactionAsync(tx => store.AddMessageAsync(tx, message));
        await InTransactionAsync(tx => store.AddParticipantsAsync(tx, ticket.Id, [("Customer@Example.test", "customer"), ("boss@example.test", "cc")], Now));
        var details = await InTransactionAsync(tx => store.GetTicketWithMessagesAsync(tx, ticket.Number));

        Assert.That(details, Is.Not.Null);
        var read = details!.Messages.Single();
        Assert.That(read with { Attachments = message.Attachments, References = message.References, To = message.To, Cc = message.Cc }, Is.EqualTo(message with { Id = read.Id }));
        Assert.That(read.References, Is.EqualTo(message.References));
        Assert.That(read.To, Is.EqualTo(message.To));
        Assert.That(read.Cc, Is.EqualTo(message.Cc));
        Assert.That(read.Attachments.Single() with { Id = 0 }, Is.EqualTo(message.Attachments[0] with { MessageRowId = read.Id }));
        Assert.That(details.Participants.Select(p => p.Address), Is.EquivalentTo(new[] { "customer@example.test", "boss@example.test" }));
    }

    [Test]
    public async Task AnInboundNewTextThatIsTheTextItselfIsStoredOnceAndReadBack()
    {
        var ticket = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));
        var same = NewMessage(ticket.Id, $"same-{Guid.NewGuid():N}@example.test") with { Text = "سلام\r\nthe printer\r\n\r\n", NewText = "سلام\nthe printer" };
        var stripped = NewMessage(ticket.Id, $"stripped-{Guid.NewGuid():N}@example.test") with { Text = "Thanks\r\n> earlier\r\n", NewText = "Thanks" };
        var ours = NewMessage(ticket.Id, $"ours-{Guid.NewGuid():N}@example.test", MessageDirection.Outbound) with { Text = "Hello\n", NewText = "Hello" };
        await InTransactionAsync(async tx =>
        {
            foreach (var m in new[] { same, stripped, ours }) await store.AddMessageAsync(tx, m);
        });

        var runner = new SqlRunner(Database);
        var stored = await Database.InReadAsync(tx => runner.QueryAsync<(string MessageId, string? NewText)>(tx,
            "SELECT message_id, new_text FROM messages WHERE ticket_id = @TicketId ORDER BY id", new { TicketId = ticket.Id }, CancellationToken.None));
        var read = await InTransactionAsync(async tx => new[]
        {
            await store.FindMessageByMessageIdAsync(tx, same.MessageId),
            await store.FindMessageByMessageIdAsync(tx, stripped.MessageId),
            await store.FindMessageByMessageIdAsync(tx, ours.MessageId),
        });
        var details = await InTransactionAsync(tx => store.GetTicketWithMessagesAsync(tx, ticket.Number));

        Assert.That(stored.Select(r => r.NewText), Is.EqualTo(new[] { null, "Thanks", "Hello" }), "the text itself is not stored twice; our own mail is stored as given");
        Assert.That(read.Select(m => m!.NewText), Is.EqualTo(new[] { same.NewText, "Thanks", "Hello" }));
        Assert.That(details!.Messages.Select(m => m.NewText), Is.EqualTo(new[] { same.NewText, "Thanks", "Hello" }));
    }

    [TestCase("سلام\r\nthe printer\r\n\r\n")]
    [TestCase("  \n a\rb\u2028c\fd\u0085e\u2029f\r\n\r\ng\t ")]
    [TestCase("")]
    [TestCase("\r\n")]
    [TestCase("one line")]
    [TestCase("  lines\nwith LF only\n\n and trailing space \n")]
    [TestCase("\n")]
    public void TheNewTextCheckAgreesWithTheTextAsNewText(string text)
    {
        var same = SqlTicketStore.TextAsNewText(text);

        Assert.That(SqlTicketStore.IsTextAsNewText(same, text), Is.True);
        Assert.That(SqlTicketStore.IsTextAsNewText(same + "x", text), Is.False);
        Assert.That(SqlTicketStore.IsTextAsNewText("x" + same, text), Is.False);
        if (same.Length > 0) Assert.That(SqlTicketStore.IsTextAsNewText(same[..^1], text), Is.False);
        if (same.Contains('\n')) Assert.That(SqlTicketStore.IsTextAsNewText(same.Replace("\n", "\r\n"), text), Is.False);
    }

    [Test]
    public async Task TicketIdsAreFoundForInboundAndOutboundMessageIds()
    {
        var ticket = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));
        var inbound = $"in-{Guid.NewGuid():N}@example.test";
        var outbound = $"out-{Guid.NewGuid():N}@support.example.test";
        await InTransactionAsync(async tx =>
        {
            await store.AddMessageAsync(tx, NewMessage(ticket.Id, inbound));
            await store.AddMessageAsync(tx, NewMessage(ticket.Id, outbound, MessageDirection.Outbound));
        });

        var found = await InTransactionAsync(tx => store.FindTicketIdsByMessageIdsAsync(tx, [inbound, outbound, "unknown@example.test"]));

        Assert.That(found, Is.EquivalentTo(new Dictionary<string, long> { [inbound] = ticket.Id, [outbound] = ticket.Id }));
    }

    [Test]
    public async Task ANewTicketsSlaTimesAreStoredWithItAndWithoutThemItHasNone()
    {
        var sla = new TicketSla
        {
            FirstResponseDueAt = Now.AddHours(4), ResolutionDueAt = Now.AddDays(2), EscalationCheckAt = Now.AddHours(3),
            SlaPausedAt = Now.AddMinutes(5), SlaPausedSeconds = 90, PendingSince = Now.AddMinutes(5),
        };
        var with = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket(), sla: sla));
        var without = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));

        var stored = await InTransactionAsync(async tx => (await store.GetSlaAsync(tx, with.Id), await store.GetSlaAsync(tx, without.Id)));

        Assert.That(stored.Item1, Is.EqualTo(sla));
        Assert.That(stored.Item2, Is.EqualTo(new TicketSla()));
    }

    [Test]
    public async Task AMessageIdIsTakenInOnATicketInEitherDirectionOrAsIgnored()
    {
        var ticket = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));
        var inbound = $"in-{Guid.NewGuid():N}@example.test";
        var outbound = $"out-{Guid.NewGuid():N}@support.example.test";
        var ignored = $"bulk-{Guid.NewGuid():N}@list.example.test";
        await InTransactionAsync(async tx =>
        {
            await store.AddMessageAsync(tx, NewMessage(ticket.Id, inbound));
            await store.AddMessageAsync(tx, NewMessage(ticket.Id, outbound, MessageDirection.Outbound));
            await new SqlIgnoredMessageStore(Database).AddAsync(tx, new IgnoredMessage
            {
                MessageId = ignored, Kind = "bulk", Reason = "Precedence: bulk", RawReference = "file:sha256:" + new string('c', 64), RawSize = 10, ReceivedAt = Now,
            });
        });

        var found = await InTransactionAsync(async tx => new[]
        {
            await store.FindTakenInAsync(tx, inbound),
            await store.FindTakenInAsync(tx, outbound),
            await store.FindTakenInAsync(tx, ignored),
            await store.FindTakenInAsync(tx, "unknown@example.test"),
        });

        Assert.That(found, Is.EqualTo(new (bool, long?)[] { (true, ticket.Number), (true, ticket.Number), (true, null), (false, null) }));

        // The same, asked for all at once (intake's look-ahead); an id asked twice is answered once.
        var many = await InTransactionAsync(tx => store.FindTakenInAsync(tx, [inbound, outbound, ignored, "unknown@example.test", inbound]));
        Assert.That(many, Is.EquivalentTo(new Dictionary<string, long?> { [inbound] = ticket.Number, [outbound] = ticket.Number, [ignored] = null }));
    }

    [Test]
    public async Task SameSenderAndSubjectFindsOnlyARecentTicketThatIsNotClosed()
    {
        var subject = "invoice " + Guid.NewGuid().ToString("N");
        var stale = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket("a@example.test", subject) with { UpdatedAt = Now.AddDays(-10) }));
        var closed = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket("a@example.test", subject)));
        await InTransactionAsync(tx => store.SetStatusAsync(tx, closed.Id, TicketStatus.Closed, Now));
        var recent = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket("a@example.test", subject) with { UpdatedAt = Now.AddDays(-1) }));
        await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket("b@example.test", subject)));

        var found = await InTransactionAsync(tx => store.FindRecentOpenTicketBySenderAndSubjectAsync(tx, "A@Example.test", subject, Now.AddDays(-7)));
        var none = await InTransactionAsync(tx => store.FindRecentOpenTicketBySenderAndSubjectAsync(tx, "c@example.test", subject, Now.AddDays(-7)));

        Assert.That(found?.Id, Is.EqualTo(recent.Id));
        Assert.That(found?.Id, Is.Not.EqualTo(stale.Id));
        Assert.That(none, Is.Null);
    }

    [Test]
    public async Task ClosingSetsClosedAtAndReopeningClearsIt()
    {
        var ticket = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));

        await InTransactionAsync(tx => store.SetStatusAsync(tx, ticket.Id, TicketStatus.Closed, Now.AddHours(1)));
        var closed = await InTransactionAsync(tx => store.FindTicketByIdAsync(tx, ticket.Id));
        await InTransactionAsync(tx => store.SetStatusAsync(tx, ticket.Id, TicketStatus.Open, Now.AddHours(2)));
        var reopened = await InTransactionAsync(tx => store.FindTicketByIdAsync(tx, ticket.Id));

        Assert.That(closed!.Status, Is.EqualTo(TicketStatus.Closed));
        Assert.That(closed.ClosedAt, Is.EqualTo(Now.AddHours(1)));
        Assert.That(reopened!.Status, Is.EqualTo(TicketStatus.Open));
        Assert.That(reopened.ClosedAt, Is.Null);
        Assert.That(reopened.UpdatedAt, Is.EqualTo(Now.AddHours(2)));
    }

    [Test]
    public async Task AReplyTokenMadeFromTheNewNumberIsStoredWithTheTicket()
    {
        var prefix = "tok-" + Guid.NewGuid().ToString("N")[..8] + "-";
        var created = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket(), replyTokenOf: n => prefix + n));

        var found = await InTransactionAsync(tx => store.FindTicketByReplyTokenAsync(tx, prefix + created.Number));

        Assert.That(created.ReplyToken, Is.EqualTo(prefix + created.Number));
        Assert.That(found?.Id, Is.EqualTo(created.Id));
    }

    [Test]
    public async Task TouchSetsTheUpdatedTimeAndNothingElse()
    {
        var ticket = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket() with { Owner = "agent1@example.test", Tags = ["vip"] }));

        await InTransactionAsync(tx => store.TouchAsync(tx, ticket.Id, Now.AddMinutes(7)));
        var touched = await InTransactionAsync(tx => store.FindTicketByIdAsync(tx, ticket.Id));

        Assert.That(touched, Is.EqualTo(ticket with { UpdatedAt = Now.AddMinutes(7), Tags = touched!.Tags }));
        Assert.That(touched.Tags, Is.EqualTo(new[] { "vip" }));
    }

    [Test]
    public async Task UpdateWritesMutableFieldsAndReplyTokenFindsTheTicket()
    {
        var ticket = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));
        var token = "t" + Guid.NewGuid().ToString("N");
        var changed = ticket with { Owner = "agent2@example.test", Priority = "high", Tags = ["x"], EscalationLevel = 1, UpdatedAt = Now.AddMinutes(3) };

        await InTransactionAsync(tx => store.UpdateTicketAsync(tx, changed with { ReplyToken = token }));
        var byToken = await InTransactionAsync(tx => store.FindTicketByReplyTokenAsync(tx, token));

        Assert.That(byToken, Is.EqualTo(changed with { ReplyToken = token, Tags = byToken!.Tags }));
        Assert.That(byToken.Tags, Is.EqualTo(new[] { "x" }));
    }

    [Test]
    public async Task TicketsCreatedInOneTransactionTakeConsecutiveNumbersAndTheNextTransactionGoesOn()
    {
        var before = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));
        var batch = await InTransactionAsync(async tx =>
        {
            var numbers = new List<long>();
            for (var i = 0; i < 3; i++) numbers.Add((await store.CreateTicketAsync(tx, NewTicket($"n{i}@example.test"))).Number);
            return numbers;
        });
        var after = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));

        Assert.That(batch, Is.EqualTo(new[] { before.Number + 1, before.Number + 2, before.Number + 3 }));
        Assert.That(after.Number, Is.EqualTo(before.Number + 4), "the counter row holds the transaction's last number");
    }

    [Test]
    public async Task HeldBackWritesAreSeenByTheTransactionsNextStatementAndDroppedByRollback()
    {
        var ticket = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));

        await using (var tx = await Database.BeginAsync())
        {
            // Writes whose result nobody reads (PostgreSQL holds them back); the reads after them must see them.
            await store.TouchAsync(tx, ticket.Id, Now.AddHours(1));
            await store.AddParticipantsAsync(tx, ticket.Id, [("held@example.test", "cc")], Now);
            Assert.That(await store.IsParticipantAsync(tx, ticket.Id, "held@example.test"), Is.True);
            Assert.That((await store.FindTicketByIdAsync(tx, ticket.Id))!.UpdatedAt, Is.EqualTo(Now.AddHours(1)));
            await store.SetStatusAsync(tx, ticket.Id, TicketStatus.Closed, Now.AddHours(2));
            await tx.RollbackAsync();
        }

        var read = await InTransactionAsync(tx => store.FindTicketByIdAsync(tx, ticket.Id));
        Assert.That(read!.Status, Is.EqualTo(TicketStatus.Open));
        Assert.That(read.UpdatedAt, Is.EqualTo(ticket.UpdatedAt));
        Assert.That(await InTransactionAsync(tx => store.IsParticipantAsync(tx, ticket.Id, "held@example.test")), Is.False);
    }

    [Test]
    public async Task AHeldBackWriteThatFailsFailsAtTheFlushAndTheCommitDoesNotKeepIt()
    {
        var ticket = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));

        await using var tx = await Database.BeginAsync();
        // No such ticket: the foreign key refuses the row, at once (SQLite) or when the held-back write is sent.
        var failed = await CatchAsync(async () =>
        {
            await store.AddRuleDecisionAsync(tx, new RuleDecisionRecord { TicketId = ticket.Id + 1_000_000, RuleName = "r", Action = "a", DecidedAt = Now });
            await tx.FlushAsync();
        });

        Assert.That(failed, Is.InstanceOf<System.Data.Common.DbException>());
        await tx.RollbackAsync();
        var decisions = await InTransactionAsync(t => store.ListRuleDecisionsAsync(t, ticket.Id + 1_000_000));
        Assert.That(decisions, Is.Empty);
    }

    [Test]
    public async Task AWriteWithATextNpgsqlCannotEncodeFailsAtItsOwnCall()
    {
        var ticket = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));

        await using var tx = await Database.BeginAsync();
        // A lone surrogate (a UTF-7 header can carry one): PostgreSQL must not hold this write back to fail with a later message.
        var failed = await CatchAsync(() => store.AddParticipantsAsync(tx, ticket.Id, [("odd\uD800@example.test", "cc")], Now));

        TestContext.Out.WriteLine($"{Provider}: {failed?.GetType().Name ?? "stored"}");
        if (Provider == StorageProvider.Postgres) Assert.That(failed, Is.Not.Null, "Npgsql's strict encoder refuses it at once");
    }

    private static async Task<Exception?> CatchAsync(Func<Task> work)
    {
        try
        {
            await work();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    [Test]
    public async Task RolledBackWorkLeavesNoTicket()
    {
        long number;
        await using (var tx = await Database.BeginAsync())
        {
            number = (await store.CreateTicketAsync(tx, NewTicket())).Number;
            await tx.RollbackAsync();
        }

        var found = await InTransactionAsync(tx => store.FindTicketByNumberAsync(tx, number));

        Assert.That(found, Is.Null);
    }

    [Test]
    public async Task ParticipantsAreMatchedCaseInsensitivelyAndKeptOnce()
    {
        var ticket = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));

        await InTransactionAsync(tx => store.AddParticipantsAsync(tx, ticket.Id, [("Friend@Example.test", "cc"), ("friend@example.TEST", "to")], Now));
        await InTransactionAsync(tx => store.AddParticipantsAsync(tx, ticket.Id, [("FRIEND@example.test", "customer")], Now));
        var isParticipant = await InTransactionAsync(tx => store.IsParticipantAsync(tx, ticket.Id, "friend@EXAMPLE.test"));
        var stranger = await InTransactionAsync(tx => store.IsParticipantAsync(tx, ticket.Id, "stranger@example.test"));
        var details = await InTransactionAsync(tx => store.GetTicketWithMessagesAsync(tx, ticket.Number));

        Assert.That(isParticipant, Is.True);
        Assert.That(stranger, Is.False);
        Assert.That(details!.Participants.Single().Role, Is.EqualTo("cc"));
    }

    [Test]
    public async Task ListingFiltersByStatusAndCountsMessages()
    {
        var open = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));
        var closed = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket()));
        await InTransactionAsync(async tx =>
        {
            await store.AddMessageAsync(tx, NewMessage(open.Id, $"{Guid.NewGuid():N}@x"));
            await store.AddMessageAsync(tx, NewMessage(open.Id, $"{Guid.NewGuid():N}@x"));
            await store.SetStatusAsync(tx, closed.Id, TicketStatus.Closed, Now);
        });

        var openList = await InTransactionAsync(tx => store.ListTicketsAsync(tx, TicketStatus.Open));
        var closedList = await InTransactionAsync(tx => store.ListTicketsAsync(tx, TicketStatus.Closed));

        Assert.That(openList.Single(t => t.Ticket.Id == open.Id).MessageCount, Is.EqualTo(2));
        Assert.That(openList.Select(t => t.Ticket.Id), Does.Not.Contain(closed.Id));
        Assert.That(closedList.Select(t => t.Ticket.Status), Is.All.EqualTo(TicketStatus.Closed));
        Assert.That(closedList.Select(t => t.Ticket.Id), Does.Contain(closed.Id));
    }

    [Test]
    public async Task RoutingStateAndAutoReplyLogAreKept()
    {
        var team = "team-" + Guid.NewGuid().ToString("N");
        var owner = $"{Guid.NewGuid():N}@example.test";
        var address = $"{Guid.NewGuid():N}@example.test";
        await InTransactionAsync(async tx =>
        {
            await store.SetRoundRobinPositionAsync(tx, team, 3);
            await store.SetRoundRobinPositionAsync(tx, team, 4);
            await store.CreateTicketAsync(tx, NewTicket() with { Owner = owner });
            await store.CreateTicketAsync(tx, NewTicket() with { Owner = owner });
            await store.RecordAutoReplyAsync(tx, address, Now.AddHours(-30));
            await store.RecordAutoReplyAsync(tx, address, Now.AddHours(-2));
            await store.RecordAutoReplyAsync(tx, address.ToUpperInvariant(), Now.AddHours(-1));
        });

        var position = await InTransactionAsync(tx => store.GetRoundRobinPositionAsync(tx, team));
        var unknownTeam = await InTransactionAsync(tx => store.GetRoundRobinPositionAsync(tx, "nobody"));
        var open = await InTransactionAsync(tx => store.CountOpenTicketsByOwnerAsync(tx));
        var replies = await InTransactionAsync(tx => store.CountAutoRepliesAsync(tx, address, Now.AddHours(-24)));
        var many = await InTransactionAsync(tx => store.CountAutoRepliesAsync(tx, [address.ToUpperInvariant(), "none@example.test"], Now.AddHours(-24)));

        Assert.That(position, Is.EqualTo(4));
        Assert.That(unknownTeam, Is.Zero);
        Assert.That(open[owner], Is.EqualTo(2));
        Assert.That(replies, Is.EqualTo(2));
        Assert.That(many.Count, Is.EqualTo(1), "an address without automatic mails is missing");
        Assert.That(many[address.ToUpperInvariant()], Is.EqualTo(2), "keys compare case-insensitively");
    }

    [Test]
    public async Task ARoundRobinPositionSetInATransactionIsReadBackThereAndKeptOnlyByItsCommit()
    {
        var team = "team-" + Guid.NewGuid().ToString("N");
        var seen = await InTransactionAsync(async tx =>
        {
            var read = new List<long>();
            for (var position = 1; position <= 3; position++)
            {
                await store.SetRoundRobinPositionAsync(tx, team, position);
                read.Add(await store.GetRoundRobinPositionAsync(tx, team));
            }
            return read;
        });
        Assert.That(seen, Is.EqualTo(new long[] { 1, 2, 3 }), "each position as set, read back in the same transaction");
        Assert.That(await InTransactionAsync(tx => store.GetRoundRobinPositionAsync(tx, team)), Is.EqualTo(3));

        // Rolled back: neither of the transaction's positions stays.
        await using (var tx = await Database.BeginAsync())
        {
            await store.SetRoundRobinPositionAsync(tx, team, 7);
            await store.SetRoundRobinPositionAsync(tx, team, 8);
            await tx.RollbackAsync();
        }
        Assert.That(await InTransactionAsync(tx => store.GetRoundRobinPositionAsync(tx, team)), Is.EqualTo(3));
    }

    [Test]
    public async Task ClosedTicketsAndRuleDecisionsAreListed()
    {
        var priority = "p-" + Guid.NewGuid().ToString("N")[..8];
        var ticket = await InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket() with { Priority = priority, Team = "billing" }));
        await InTransactionAsync(async tx =>
        {
            await store.SetStatusAsync(tx, ticket.Id, TicketStatus.Closed, Now.AddHours(5));
            await store.AddRuleDecisionAsync(tx, new RuleDecisionRecord { TicketId = ticket.Id, RuleName = "vip", Action = "priority=urgent", DecidedAt = Now });
        });

        var samples = await InTransactionAsync(tx => store.ListClosedTicketsAsync(tx, Now, priority));
        var decisions = await InTransactionAsync(tx => store.ListRuleDecisionsAsync(tx, ticket.Id));

        Assert.That(samples, Is.EqualTo(new[] { new ClosedTicketSample(ticket.Id, "billing", priority, Now, Now.AddHours(5)) }));
        Assert.That(decisions.Single(), Is.EqualTo(new RuleDecisionRecord { TicketId = ticket.Id, RuleName = "vip", Action = "priority=urgent", DecidedAt = Now }));
    }
}
