using TicketWorker.Digest;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Digest;

/// <summary>
/// The digest's figures over a seeded database, on SQLite and PostgreSQL (and SQL Server when TICKETWORKER_TEST_SQLSERVER is set): day D = Tuesday
/// 2026-03-10 in Europe/Berlin (UTC+1), i.e. [2026-03-09T23:00Z, 2026-03-10T23:00Z); the clock
/// stands at 07:00 local on the day after. Every number is worked out by hand in the comments.
/// </summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.Postgres)]
[TestFixture(StorageProvider.SqlServer)]
public class DigestReaderTests(StorageProvider provider)
{
    private static readonly DateOnly Day = new(2026, 3, 10);
    private DigestHarness _h = null!;
    private DigestReport _report = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        _h = await DigestHarness.StartAsync(provider);
        // Business hours Mon-Fri 09:00-17:00 Berlin; durations below are business time. Breaches come from the SLA due columns.
        // T1: new, answered after 1h by its owner agent1, closed after 4h by agent1's #close, on D.
        var t1 = await _h.TicketAsync("agent1@example.test", "support", "2026-03-10T08:00Z", "2026-03-10T09:00Z", "2026-03-10T12:00Z", due: "2026-03-12T12:00Z");
        await _h.AgentMailAsync(t1, "agent1@example.test", "2026-03-10T09:00Z");
        await _h.AgentMailAsync(t1, "agent1@example.test", "2026-03-10T12:00Z", kind: "note");
        // T2: new, answered after 3h by agent3 (not its owner agent1), first response was due after 2h: a first-response breach.
        var t2 = await _h.TicketAsync("agent1@example.test", "support", "2026-03-10T10:00Z", "2026-03-10T13:00Z", due: "2026-03-13T12:00Z", firstDue: "2026-03-10T12:00Z");
        await _h.AgentMailAsync(t2, "agent3@example.test", "2026-03-10T12:59:30Z");
        // T3: opened D-1 11:00 local, answered by agent2 on D 11:00 local (6h Monday + 2h = 8h), auto-closed on D
        // 16:00 local (6h + 7h = 13h), 3h after its resolution due time: a resolution breach.
        var t3 = await _h.TicketAsync("agent2@example.test", "sales", "2026-03-09T10:00Z", "2026-03-10T10:00Z", "2026-03-10T15:00Z", due: "2026-03-10T12:00Z");
        await _h.AgentMailAsync(t3, "agent2@example.test", "2026-03-10T10:00Z");
        await _h.AutoCloseMailAsync(t3, "2026-03-10T15:00:01Z");
        // T4: opened 03-05, due on D and still open: a resolution breach; backlog 3-7 days, overdue.
        await _h.TicketAsync("agent2@example.test", "sales", "2026-03-05T10:00Z", "2026-03-05T11:00Z", due: "2026-03-10T09:00Z");
        // T5: unassigned, no team, 23:30 local on D: new; backlog < 1 day.
        await _h.TicketAsync(null, null, "2026-03-10T22:30Z");
        // T6: 23:30 local on D-1 (not D, though 22:30Z looks like it); backlog 1-3 days (24h30m old at the end of D).
        await _h.TicketAsync("agent1@example.test", "support", "2026-03-09T22:30Z");
        // T7: 00:30 local on D+1: neither new on D nor in D's backlog.
        await _h.TicketAsync("agent1@example.test", "support", "2026-03-10T23:30Z");
        // T8: old, overdue since 03-01, closed at 00:10 local on D+1: still in D's backlog (> 7 days, overdue), not closed on D.
        await _h.TicketAsync("agent2@example.test", "sales", "2026-02-20T10:00Z", "2026-02-20T12:00Z", "2026-03-10T23:10Z", due: "2026-03-01T12:00Z");
        // T9: opened 03-01, closed 03-02: only in the chart.
        await _h.TicketAsync("agent1@example.test", "support", "2026-03-01T10:00Z", "2026-03-01T11:00Z", "2026-03-02T10:00Z");
        // T10: long gone.
        await _h.TicketAsync("agent1@example.test", "support", "2026-01-01T10:00Z", "2026-01-01T11:00Z", "2026-01-05T10:00Z");
        // T11: answered at 23:59 local on D, outside business hours (0 business time). The only agent mail on it is
        // 2.5 hours older than the first response, so it did not give it: "(not recorded)", not agent1.
        var t11 = await _h.TicketAsync("agent2@example.test", "sales", "2026-03-10T20:00Z", "2026-03-10T22:59Z");
        await _h.AgentMailAsync(t11, "agent1@example.test", "2026-03-10T20:30Z");
        // T12: owned by an address rules.yaml no longer lists; backlog 1-3 days. Resolution due on D, but pending on
        // the customer since before: the clock stood still, no breach, not overdue.
        await _h.TicketAsync("former@example.test", "support", "2026-03-08T10:00Z", due: "2026-03-10T10:00Z", paused: "2026-03-10T09:00Z");

        _report = await _h.Reader.ReadAsync(Day, _h.App.Policy.Current);
    }

    [OneTimeTearDown]
    public async Task TearDownAsync()
    {
        // Null when the provider's database is not available (SQL Server without its variable): the fixture was ignored.
        if (_h is not null) await _h.DisposeAsync();
    }

    private static TimeSpan H(double hours) => TimeSpan.FromHours(hours);

    [Test]
    public void DayIsBoundedByLocalMidnightsOfTheBusinessTimeZone()
    {
        Assert.That(_report.TimeZone.Id, Is.EqualTo("Europe/Berlin"));
        Assert.That((_report.Start, _report.End), Is.EqualTo((DigestHarness.At("2026-03-09T23:00Z"), DigestHarness.At("2026-03-10T23:00Z"))));
    }

    [Test]
    public void NewAnsweredClosedAndBreachesCountTheTicketsOfTheDay()
    {
        // New: T1 T2 T5 T11. Answered: T1 T2 T3 T11. Closed: T1 T3. Breached: T2 (first response late), T3 (closed
        // late), T4 (still open); not T12 (paused before its due time).
        Assert.That((_report.New, _report.Answered, _report.Closed, _report.Breached), Is.EqualTo((4, 4, 2, 3)));
        Assert.That((_report.FirstResponseBreached, _report.ResolutionBreached), Is.EqualTo((1, 2)));
    }

    [Test]
    public void PercentilesAreNearestRankOverTheDaysTicketsInBusinessTime()
    {
        // Business time: first responses 0 (T11 at night), 1h, 3h, 8h (T3 across the evening): p50 = 2nd, p90 = 4th
        // (elapsed would be 2h59m, 1h, 3h, 24h). Resolutions 4h, 13h (elapsed 29h): p50 = 1st, p90 = 2nd.
        Assert.That(_report.BusinessTime, Is.True);
        Assert.That(_report.FirstResponse, Is.EqualTo(new DurationSummary(4, H(1), H(8))));
        Assert.That(_report.Resolution, Is.EqualTo(new DurationSummary(2, H(4), H(13))));
    }

    [Test]
    public void BacklogIsWhatWasNotClosedAtTheEndOfTheDayByAge()
    {
        // < 1d: T2 T5 T11; 1-3d: T6 T12; 3-7d: T4; > 7d: T8; overdue (resolution due passed, clock running): T4 T8.
        Assert.That(_report.Backlog, Is.EqualTo(new BacklogAges(3, 2, 1, 1, 2)));
    }

    [Test]
    public void AgentRowsCountAnswersByTheFirstResponderAndClosesByTheCloser()
    {
        // New, breaches, backlog by owner; answered by who answered first (T1 agent1, T2 agent3, T3 agent2, T11 not
        // recorded); closed by who closed (T1 agent1's #close, T3 the auto-close).
        Assert.That(_report.Agents, Is.EqualTo(new[]
        {
            new DigestRow("agent1@example.test", "Agent One <agent1@example.test>", 2, 1, 1, 1, new BacklogAges(1, 1, 0, 0, 0), H(1)),
            new DigestRow("agent2@example.test", "Agent Two <agent2@example.test>", 1, 1, 0, 2, new BacklogAges(1, 0, 1, 1, 2), H(8)),
            new DigestRow("agent3@example.test", "Agent Three <agent3@example.test>", 0, 1, 0, 0, BacklogAges.Empty, H(3)),
            new DigestRow("former@example.test", "former@example.test", 0, 0, 0, 0, new BacklogAges(0, 1, 0, 0, 0), null),
            new DigestRow(DigestReader.AutoClose, "(auto-close)", 0, 0, 1, 0, BacklogAges.Empty, null),
            new DigestRow(DigestReader.NotRecorded, "(not recorded)", 0, 1, 0, 0, BacklogAges.Empty, TimeSpan.Zero),
            new DigestRow(null, "(unassigned)", 1, 0, 0, 0, new BacklogAges(1, 0, 0, 0, 0), null),
        }));
    }

    [Test]
    public void TeamRowsListConfiguredTeamsThenTicketsWithoutTeam()
    {
        Assert.That(_report.Teams, Is.EqualTo(new[]
        {
            new DigestRow("support", "support", 2, 2, 1, 1, new BacklogAges(1, 2, 0, 0, 0), H(1)),
            new DigestRow("sales", "sales", 1, 2, 1, 2, new BacklogAges(1, 0, 1, 1, 2), TimeSpan.Zero),
            new DigestRow(null, "(no team)", 1, 0, 0, 0, new BacklogAges(1, 0, 0, 0, 0), null),
        }));
    }

    [Test]
    public void ChartHasFourteenLocalDaysOfNewAndClosedEndingWithTheDay()
    {
        var expected = Enumerable.Range(0, 14).Select(i => new DigestDay(new DateOnly(2026, 2, 25).AddDays(i), 0, 0)).ToList();
        void Set(int month, int day, int created, int closed) =>
            expected[expected.FindIndex(d => d.Date == new DateOnly(2026, month, day))] = new DigestDay(new DateOnly(2026, month, day), created, closed);
        Set(3, 1, 1, 0);   // T9 opened
        Set(3, 2, 0, 1);   // T9 closed
        Set(3, 5, 1, 0);   // T4
        Set(3, 8, 1, 0);   // T12
        Set(3, 9, 2, 0);   // T3, T6 (23:30 local)
        Set(3, 10, 4, 2);  // T1 T2 T5 T11; closed T1 T3 (T8 closed after midnight)

        Assert.That(_report.Days, Is.EqualTo(expected));
    }
}
