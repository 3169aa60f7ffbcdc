using TicketWorker.Cli;
using TicketWorker.Configuration;
using TicketWorker.Storage;
using TicketWorker.Tests.Storage;

namespace TicketWorker.Tests.Cli;

/// <summary>
/// <c>status</c> and <c>health</c> on a database with thousands of tickets: the figures come from
/// aggregates in the database (COUNT … GROUP BY status, SUM/MIN over the SLA columns, COUNT of recent
/// quarantine items) and must equal what counting the seeded rows by hand gives, on every provider.
/// </summary>
[TestFixtureSource(typeof(StorageProviders), nameof(StorageProviders.All))]
public class StatusAtScaleTests : StorageContractFixture
{
    private const int Tickets = 3000;

    public StatusAtScaleTests(StorageProvider provider)
        : base(provider)
    {
    }

    [Test]
    public async Task StatusCountsThousandsOfTicketsByStatusAndTheirSlaBreachesAndNextDueTimes()
    {
        // i % 6: 0-2 open, 3-4 pending, 5 closed → 1,500 / 1,000 / 500.
        // Open: i % 6 == 0 first response overdue; == 1 first response due in the future (i minutes);
        // == 2 resolution overdue when i < 600 (100 tickets), due in i hours otherwise.
        // Pending (clock paused 2 h ago): resolution due 1 h ago (after the pause: not breached) for
        // i % 6 == 3, due 3 h ago (before the pause: breached) for i % 6 == 4.
        // Closed: overdue targets that no longer count.
        var store = new SqlTicketStore(Database);
        var expected = (FirstResponse: 0, Resolution: 0, NextFirst: (DateTimeOffset?)null, NextResolution: (DateTimeOffset?)null);
        await InTransactionAsync(async tx =>
        {
            for (var i = 0; i < Tickets; i++)
            {
                var status = (i % 6) switch { < 3 => TicketStatus.Open, < 5 => TicketStatus.Pending, _ => TicketStatus.Closed };
                var ticket = await store.CreateTicketAsync(tx, NewTicket($"c{i}@example.test", $"Ticket {i}") with
                {
                    Status = status,
                    ClosedAt = status == TicketStatus.Closed ? Now : null,
                });
                TicketSla sla;
                switch (i % 6)
                {
                    case 0:
                        sla = new TicketSla { FirstResponseDueAt = Now.AddHours(-1) };
                        expected.FirstResponse++;
                        break;
                    case 1:
                        sla = new TicketSla { FirstResponseDueAt = Now.AddMinutes(i) };
                        expected.NextFirst ??= Now.AddMinutes(i);
                        break;
                    case 2 when i < 600:
                        sla = new TicketSla { ResolutionDueAt = Now.AddMinutes(-1) };
                        expected.Resolution++;
                        break;
                    case 2:
                        sla = new TicketSla { ResolutionDueAt = Now.AddHours(i) };
                        expected.NextResolution ??= Now.AddHours(i);
                        break;
                    case 3:
                        sla = new TicketSla { ResolutionDueAt = Now.AddHours(-1), SlaPausedAt = Now.AddHours(-2), PendingSince = Now.AddHours(-2) };
                        break;
                    case 4:
                        sla = new TicketSla { ResolutionDueAt = Now.AddHours(-3), SlaPausedAt = Now.AddHours(-2), PendingSince = Now.AddHours(-2) };
                        expected.Resolution++;
                        break;
                    default:
                        sla = new TicketSla { FirstResponseDueAt = Now.AddDays(-3), ResolutionDueAt = Now.AddDays(-2) };
                        break;
                }
                await store.SetSlaAsync(tx, ticket.Id, sla);
            }
        });

        var reader = new StatusReader(
            Database, new SqlMailboxStateStore(Database), new SqlOutboxStore(Database), new SqlQuarantineStore(Database), store,
            new TicketWorkerOptions(), store, new FakeTime(Now));
        var status = await reader.ReadAsync(CancellationToken.None);

        Assert.That(status.Tickets, Is.EqualTo(new StatusCommand.TicketCounts(1500, 1000, 500)));
        Assert.That(status.OpenTickets, Is.EqualTo(1500));
        Assert.That(expected, Is.EqualTo((500, 600, (DateTimeOffset?)Now.AddMinutes(1), (DateTimeOffset?)Now.AddHours(602))), "the seed itself");
        Assert.That(status.Sla, Is.EqualTo(new SlaFacts(expected.FirstResponse, expected.Resolution, expected.NextFirst, expected.NextResolution)));
    }

    [Test]
    public async Task EmptyStatusesAreZeroNotMissing()
    {
        // A database of its own: this fixture's other test fills the shared one.
        await using var empty = await StorageTestDatabase.CreateAsync(Provider);
        var database = await empty.MigratedAsync();
        var store = new SqlTicketStore(database);
        await database.InTransactionAsync(tx => store.CreateTicketAsync(tx, NewTicket() with { Status = TicketStatus.Pending }));

        var counts = await database.InReadAsync(tx => store.CountTicketsByStatusAsync(tx));

        Assert.That(counts, Is.EquivalentTo(new Dictionary<TicketStatus, int> { [TicketStatus.Pending] = 1 }));
        var status = await new StatusReader(
            database, new SqlMailboxStateStore(database), new SqlOutboxStore(database), new SqlQuarantineStore(database), store,
            new TicketWorkerOptions(), store, new FakeTime(Now)).ReadAsync(CancellationToken.None);
        Assert.That(status.Tickets, Is.EqualTo(new StatusCommand.TicketCounts(0, 1, 0)));
    }

    [Test]
    public async Task HealthCountsQuarantineItemsOfTheLastHourResolvedOrNot()
    {
        var quarantine = new SqlQuarantineStore(Database);
        var ids = new List<long>();
        await InTransactionAsync(async tx =>
        {
            // Two hours ago (3), exactly an hour ago (1: not "after"), in the last hour (4).
            foreach (var minutesAgo in new[] { 120, 120, 90, 60, 59, 30, 10, 0 })
            {
                ids.Add(await quarantine.AddAsync(tx, new QuarantineItem
                {
                    RawReference = "file:sha256:" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"),
                    RawSize = 100,
                    Reason = "test",
                    Mailbox = "support",
                    CreatedAt = Now.AddMinutes(-minutesAgo),
                }));
            }
        });
        // Resolved items still count: health watches how fast mail is quarantined, not what is left.
        await InTransactionAsync(tx => quarantine.MarkRetriedAsync(tx, ids[^1], Now, resolved: true, null));

        var recent = await Database.InReadAsync(tx => quarantine.CountQuarantinedAfterAsync(tx, Now.AddHours(-1)));

        Assert.That(recent, Is.EqualTo(4));
        var health = new HealthReader(
            Database, new SqlMailboxStateStore(Database), new SqlOutboxStore(Database), quarantine, new TicketWorkerOptions(), new FakeTime(Now));
        Assert.That(await health.ReadAsync(HealthThresholds.Default with { QuarantinePerHour = 3 }, CancellationToken.None),
            Has.One.StartsWith("quarantine: 4 message(s) quarantined in the last hour (limit 3)"));
        Assert.That(await health.ReadAsync(HealthThresholds.Default with { QuarantinePerHour = 4 }, CancellationToken.None), Is.Empty);
    }
}
