using MimeKit;
using TicketWorker.Storage;
using TicketWorker.Threading;
using static TicketWorker.Tests.Escalation.SlaHarness;

namespace TicketWorker.Tests.Escalation;

/// <summary>
/// The escalation scan over a real database with a fake clock. Levels (see <see cref="SlaHarness.Levels"/>):
/// 1 at the first-response target → owner; 2 four business hours past resolution → lead, priority up, tag;
/// 3 one opening day past resolution → owner and lead, reassigned to the lead. Auto-close after 7 days pending.
/// </summary>
public class EscalationScannerTests
{
    private SlaHarness _h = null!;

    [TearDown]
    public async Task TearDown()
    {
        if (_h is not null) await _h.DisposeAsync();
    }

    private static MimeMessage Parse(OutboxItem item) => MimeMessage.Load(new MemoryStream(item.Raw));

    private Task<IReadOnlyList<int>> FiredAsync(TicketRecord ticket) =>
        _h.App.Database.InReadAsync(tx => _h.App.Get<ISlaStore>().ListFiredLevelsAsync(tx, ticket.Id, CancellationToken.None));

    [Test]
    public async Task EveryLevelFiresOnceAtItsTimeWithItsActions()
    {
        _h = await StartAsync(); // Monday 10:00; first response due 14:00, resolution Wednesday 10:00
        var ticket = await _h.NewTicketAsync("Printer broken");

        _h.SetBerlin(2026, 3, 2, 13, 59);
        Assert.That((await _h.ScanAsync()).Levels, Is.Zero, "nothing before the first-response target");

        // Level 1: the first response is overdue.
        _h.SetBerlin(2026, 3, 2, 14);
        Assert.That(await _h.ScanAsync(), Is.EqualTo(new TicketWorker.Escalation.EscalationScanResult(1, 1, 0)));
        var first = (await _h.OutboxAsync("escalation")).Single();
        Assert.That(first.IdempotencyKey, Is.EqualTo($"escalation:{ticket.Id}:1:agent1@example.test"));
        Assert.That(first.Recipients, Is.EqualTo(new[] { "agent1@example.test" }));
        var mail = Parse(first);
        Assert.That(mail.Subject, Does.Contain("Escalation level 1").And.Contain($"[#{ticket.Number}]"));
        Assert.That(mail.TextBody, Does.Contain("first response was due 2026-03-02 14:00 Europe/Berlin"));
        var token = mail.ReplyTo.Mailboxes.Single().Address.Split('+')[1].Split('@')[0];
        var key = await _h.App.Database.InReadAsync(tx => _h.App.SettingsStore.GetReplyTokenKeyAsync(tx, CancellationToken.None));
        Assert.That(new ReplyToken(key).VerifyForAgent(token, "agent1@example.test"), Is.EqualTo(ticket.Number), "Reply-To is the owner's own token");
        Assert.That((await _h.TicketAsync(ticket.Number)).EscalationLevel, Is.EqualTo(1));
        Assert.That((await _h.ScanAsync()).Levels, Is.Zero, "a level fires once");

        // Level 2: resolution (Wednesday 10:00) missed by 4 business hours.
        _h.SetBerlin(2026, 3, 4, 13, 59);
        Assert.That((await _h.ScanAsync()).Levels, Is.Zero);
        _h.SetBerlin(2026, 3, 4, 14);
        Assert.That((await _h.ScanAsync()).Levels, Is.EqualTo(1));
        var raised = await _h.TicketAsync(ticket.Number);
        Assert.That(raised.Priority, Is.EqualTo("high"));
        Assert.That(raised.Tags, Does.Contain("escalated"));
        Assert.That(raised.EscalationLevel, Is.EqualTo(2));
        Assert.That((await _h.OutboxAsync("escalation")).Last().Recipients, Is.EqualTo(new[] { "lead@example.test" }));

        // Level 3: one opening day past resolution; Thursday 10:00.
        _h.SetBerlin(2026, 3, 5, 10);
        Assert.That((await _h.ScanAsync()).Levels, Is.EqualTo(1));
        var reassigned = await _h.TicketAsync(ticket.Number);
        Assert.That(reassigned.Owner, Is.EqualTo("lead@example.test"));
        Assert.That(reassigned.EscalationLevel, Is.EqualTo(3));
        var third = (await _h.OutboxAsync("escalation")).Skip(2).Select(r => r.Recipients.Single()).ToList();
        Assert.That(third, Is.EquivalentTo(new[] { "agent1@example.test", "lead@example.test" }), "the owner who missed it and the lead");

        Assert.That(await FiredAsync(ticket), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That((await _h.SlaAsync(ticket)).EscalationCheckAt, Is.Null, "no level left");
        _h.Time.Advance(TimeSpan.FromDays(30));
        Assert.That((await _h.ScanAsync()).Levels, Is.Zero);
        Assert.That(await _h.OutboxAsync("escalation"), Has.Count.EqualTo(4));
    }

    [Test]
    public async Task AFirstResponseInTimeKeepsTheFirstResponseLevelFromFiring()
    {
        _h = await StartAsync();
        var ticket = await _h.NewTicketAsync("Printer broken");
        _h.SetBerlin(2026, 3, 2, 12);
        await _h.ChangeAsync(ticket.Number, t => t with { FirstResponseAt = _h.Time.GetUtcNow() });

        _h.SetBerlin(2026, 3, 2, 16);
        Assert.That((await _h.ScanAsync()).Levels, Is.Zero);
        Assert.That(await FiredAsync(ticket), Is.Empty);
        Assert.That((await _h.SlaAsync(ticket)).EscalationCheckAt, Is.EqualTo(Berlin(2026, 3, 4, 14)), "next: level 2");
    }

    [Test]
    public async Task APendingTicketDoesNotEscalateAndClosesOnceAfterTheCustomersSilence()
    {
        _h = await StartAsync();
        var ticket = await _h.NewTicketAsync("Printer broken");
        _h.SetBerlin(2026, 3, 2, 11);
        await _h.ChangeAsync(ticket.Number, t => t with { Status = TicketStatus.Pending });

        _h.SetBerlin(2026, 3, 9, 10, 59);
        var early = await _h.ScanAsync();
        Assert.That((early.Levels, early.Closed), Is.EqualTo((0, 0)), "paused: no level; 7 days not yet over");

        _h.SetBerlin(2026, 3, 9, 11);
        Assert.That((await _h.ScanAsync()).Closed, Is.EqualTo(1));
        var closed = await _h.TicketAsync(ticket.Number);
        Assert.That(closed.Status, Is.EqualTo(TicketStatus.Closed));
        Assert.That(closed.ClosedAt, Is.EqualTo(_h.Time.GetUtcNow()));
        var row = (await _h.OutboxAsync("closed")).Single();
        Assert.That(row.Recipients, Is.EqualTo(new[] { "customer1@example.test" }));
        var mail = Parse(row);
        Assert.That(mail.Subject, Does.Contain($"[#{ticket.Number}]"));
        Assert.That(mail.TextBody, Does.Contain("Was your problem solved?"));
        Assert.That(mail.InReplyTo, Is.Not.Null, "threaded to the customer's mail");

        Assert.That((await _h.ScanAsync()).Closed, Is.Zero);
        var restarted = await _h.OpenAppAsync();
        Assert.That((await _h.ScanAsync(restarted)).Closed, Is.Zero, "after a restart too");
        Assert.That(await _h.OutboxAsync("closed"), Has.Count.EqualTo(1));
        Assert.That(await FiredAsync(ticket), Is.Empty);
    }

    [Test]
    public async Task TwoScannersOnOnePostgresDatabaseFireEachLevelOnce()
    {
        _h = await StartAsync(provider: StorageProvider.Postgres);
        var second = await _h.OpenAppAsync();
        var tickets = new List<TicketRecord>();
        for (var i = 0; i < 20; i++) tickets.Add(await _h.NewTicketAsync($"Printer {i} broken", $"customer{i}@example.test"));

        _h.SetBerlin(2026, 3, 5, 10); // every level of every ticket is due
        var results = await Task.WhenAll(_h.ScanAsync(), _h.ScanAsync(second), _h.ScanAsync(), _h.ScanAsync(second));

        Assert.That(results.Sum(r => r.Levels), Is.EqualTo(20 * 3), "each level of each ticket fired by exactly one scanner");
        foreach (var ticket in tickets) Assert.That(await FiredAsync(ticket), Is.EqualTo(new[] { 1, 2, 3 }));
        var rows = await _h.OutboxAsync("escalation");
        Assert.That(rows.Select(r => r.IdempotencyKey).Distinct().Count(), Is.EqualTo(rows.Count));
        Assert.That(rows, Has.Count.EqualTo(20 * 4), "level 1 to the owner, 2 to the lead, 3 to owner and lead");
        Assert.That((await Task.WhenAll(_h.ScanAsync(), _h.ScanAsync(second))).Sum(r => r.Levels), Is.Zero);
    }

    [Test]
    public async Task BreachedTicketsAndSlaFactsJudgeAPausedTicketAtItsPause()
    {
        _h = await StartAsync();
        var late = await _h.NewTicketAsync("Printer broken");
        var paused = await _h.NewTicketAsync("Scanner broken", "customer2@example.test");
        await _h.ChangeAsync(paused.Number, t => t with { Status = TicketStatus.Pending });
        _h.SetBerlin(2026, 3, 2, 15);
        var fresh = await _h.NewTicketAsync("Fax broken", "customer3@example.test");

        var store = _h.App.Get<ISlaStore>();
        var now = _h.Time.GetUtcNow();
        var breached = await _h.App.Database.InReadAsync(tx => store.ListBreachedNumbersAsync(tx, now, CancellationToken.None));
        Assert.That(breached, Is.EqualTo(new[] { late.Number }));
        var facts = await _h.App.Database.InReadAsync(tx => store.GetSlaFactsAsync(tx, now, CancellationToken.None));
        Assert.That(facts.FirstResponseBreached, Is.EqualTo(1));
        Assert.That(facts.ResolutionBreached, Is.Zero);
        Assert.That(facts.NextFirstResponseDue, Is.EqualTo(Berlin(2026, 3, 3, 11)), "the fax ticket: 2 h on Monday, 2 h on Tuesday");
        Assert.That(facts.NextResolutionDue, Is.EqualTo(Berlin(2026, 3, 4, 10)));
        Assert.That(fresh.Number, Is.GreaterThan(paused.Number));
    }
}
