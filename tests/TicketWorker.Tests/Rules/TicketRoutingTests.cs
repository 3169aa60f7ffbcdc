using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Rules;

/// <summary>Rules applied at intake: new tickets routed, decisions recorded, owners assigned.</summary>
public class TicketRoutingTests
{
    private const string Team = """
        agents:
          - email: a1@example.test
          - email: a2@example.test
          - email: a3@example.test
          - email: boss@example.test
        teams:
          support:
            members: [a1@example.test, a2@example.test, a3@example.test]
            assign: {0}
            owner: boss@example.test
        rules:
          - name: to support
            then: {{ team: support }}
        """;

    private readonly List<RoutingHarness> _harnesses = [];

    private async Task<RoutingHarness> StartAsync(string rules)
    {
        var h = await RoutingHarness.StartAsync(rules);
        _harnesses.Add(h);
        return h;
    }

    [TearDown]
    public void TearDown()
    {
        foreach (var h in _harnesses) h.Dispose();
    }

    private static string Mail(int n, string subject = "Help", string from = "ann@example.org") => Mails.Customer(from, $"{subject} {n}", $"m{n}@example.org");

    [Test]
    public async Task ANewTicketGetsTeamOwnerPriorityTagsAndSlaAndTheDecisionsAreRecorded()
    {
        var h = await StartAsync("""
            agents:
              - email: s1@example.test
                teams: [sales]
            sla:
              policies:
                gold: { urgent: { first_response: 30m } }
            rules:
              - name: sales urgent
                when: { subject: { contains: quote } }
                then: { team: sales, priority: urgent, tags: [sales, quote], sla: gold }
            """);
        var r = await h.IngestAsync(Mail(1, "Need a quote"));
        var t = await h.TicketAsync(r.Ticket!.Value);
        Assert.That((t.Team, t.Owner, t.Priority, t.SlaPolicy), Is.EqualTo(("sales", "s1@example.test", "urgent", "gold")));
        Assert.That(t.Tags, Is.EqualTo(new[] { "sales", "quote" }));
        Assert.That(await h.DecisionsAsync(1), Is.EqualTo(new[]
        {
            "sales urgent: team=sales", "sales urgent: priority=urgent", "sales urgent: tag+=sales", "sales urgent: tag+=quote",
            "sales urgent: sla=gold", "sales urgent: owner=s1@example.test (round_robin)",
        }));
    }

    [Test]
    public async Task AFollowUpIsNotRoutedAgain()
    {
        var h = await StartAsync(string.Format(Team, "round_robin"));
        await h.IngestAsync(Mails.Customer("ann@example.org", "Printer", "p1@example.org"));
        var r = await h.IngestAsync(Mails.Reply("ann@example.org", "Re: Printer", "p2@example.org", "p1@example.org"));
        Assert.That((r.Action, (await h.TicketAsync(1)).Owner), Is.EqualTo(("appended", "a1@example.test")));
        var next = await h.IngestAsync(Mail(3));
        Assert.That((await h.TicketAsync(next.Ticket!.Value)).Owner, Is.EqualTo("a2@example.test"), "the follow-up took no turn");
    }

    [Test]
    public async Task AnIgnoreRuleKeepsTheMessageAsIgnoredWithoutATicket()
    {
        var h = await StartAsync("rules:\n  - name: no newsletters\n    when: { subject: { contains: newsletter } }\n    then: { ignore: true }\n");
        var r = await h.IngestAsync(Mail(1, "Our newsletter"));
        Assert.That((r.Action, r.Ticket, r.Reason), Is.EqualTo(("ignored", (long?)null, "rule 'no newsletters': ignore")));
        Assert.That(await h.IngestAsync(Mail(1, "Our newsletter")), Has.Property("Action").EqualTo("duplicate"));
    }

    [Test]
    public async Task RoundRobinContinuesWhereItStoppedAfterARestart()
    {
        var h = await StartAsync(string.Format(Team, "round_robin"));
        var owners = new List<string?>();
        for (var i = 1; i <= 2; i++) owners.Add((await h.TicketAsync((await h.IngestAsync(Mail(i))).Ticket!.Value)).Owner);

        var restarted = await h.OpenAppAsync();
        for (var i = 3; i <= 5; i++) owners.Add((await h.TicketAsync((await h.IngestAsync(Mail(i), restarted)).Ticket!.Value)).Owner);

        Assert.That(owners, Is.EqualTo(new[] { "a1@example.test", "a2@example.test", "a3@example.test", "a1@example.test", "a2@example.test" }));
    }

    [Test]
    public async Task RoundRobinTakesTurnsWithinOneBatchAndTheNextBatchGoesOnFromThere()
    {
        var h = await StartAsync(string.Format(Team, "round_robin"));
        var first = await h.IngestBatchAsync(Enumerable.Range(1, 4).Select(i => Mail(i)));
        var second = await h.IngestBatchAsync(Enumerable.Range(5, 2).Select(i => Mail(i)));
        var owners = new List<string?>();
        foreach (var r in first.Concat(second)) owners.Add((await h.TicketAsync(r.Ticket!.Value)).Owner);
        Assert.That(owners, Is.EqualTo(new[] { "a1@example.test", "a2@example.test", "a3@example.test", "a1@example.test", "a2@example.test", "a3@example.test" }));
    }

    [Test]
    public async Task RoundRobinSkipsAgentsAwayByFlagOrByDateRangeOnTheClock()
    {
        var rules = string.Format(Team, "round_robin")
            .Replace("  - email: a2@example.test\n", "  - email: a2@example.test\n    away: { from: 2026-03-01, to: 2026-03-05 }\n")
            .Replace("  - email: a3@example.test\n", "  - email: a3@example.test\n    away: true\n");
        var h = await StartAsync(rules);
        var owners = new List<string?>();
        for (var i = 1; i <= 2; i++) owners.Add((await h.TicketAsync((await h.IngestAsync(Mail(i))).Ticket!.Value)).Owner);
        h.Time.Advance(TimeSpan.FromDays(4)); // 2026-03-06: a2 is back
        for (var i = 3; i <= 4; i++) owners.Add((await h.TicketAsync((await h.IngestAsync(Mail(i))).Ticket!.Value)).Owner);
        Assert.That(owners, Is.EqualTo(new[] { "a1@example.test", "a1@example.test", "a2@example.test", "a1@example.test" }));
    }

    [Test]
    public async Task WhenEveryMemberIsAwayTheTeamOwnerHoldsTheTicket()
    {
        var rules = string.Format(Team, "least_open");
        foreach (var a in new[] { "a1", "a2", "a3" }) rules = rules.Replace($"  - email: {a}@example.test\n", $"  - email: {a}@example.test\n    away: true\n");
        var h = await StartAsync(rules);
        await h.IngestAsync(Mail(1));
        Assert.That((await h.TicketAsync(1)).Owner, Is.EqualTo("boss@example.test"));
    }

    [Test]
    public async Task LeastOpenPicksTheMemberWithFewestTicketsNotClosedTiesByOrder()
    {
        var h = await StartAsync(string.Format(Team, "least_open"));
        var owners = new List<string?>();
        for (var i = 1; i <= 4; i++) owners.Add((await h.TicketAsync((await h.IngestAsync(Mail(i))).Ticket!.Value)).Owner);
        await h.CloseAsync(2); // a2 now holds nothing open
        owners.Add((await h.TicketAsync((await h.IngestAsync(Mail(5))).Ticket!.Value)).Owner);
        Assert.That(owners, Is.EqualTo(new[] { "a1@example.test", "a2@example.test", "a3@example.test", "a1@example.test", "a2@example.test" }));
    }

    [Test, CancelAfter(60_000)]
    public async Task LeastOpenSpreadsConcurrentIntakeEvenly()
    {
        var h = await StartAsync(string.Format(Team, "least_open"));
        var second = await h.OpenAppAsync();
        var results = await Task.WhenAll(Enumerable.Range(1, 9).Select(i => Task.Run(() => h.IngestAsync(Mail(i), i % 2 == 0 ? second : h.App))));
        var owners = new List<string?>();
        foreach (var r in results) owners.Add((await h.TicketAsync(r.Ticket!.Value)).Owner);
        Assert.That(owners.GroupBy(o => o).Select(g => (g.Key, g.Count())),
            Is.EquivalentTo(new[] { ("a1@example.test", 3), ("a2@example.test", 3), ("a3@example.test", 3) }));
    }

    [Test]
    public async Task AFixedTeamGivesEveryTicketToItsOwner()
    {
        var h = await StartAsync(string.Format(Team, "fixed"));
        await h.IngestAsync(Mail(1));
        await h.IngestAsync(Mail(2));
        Assert.That(((await h.TicketAsync(1)).Owner, (await h.TicketAsync(2)).Owner), Is.EqualTo(("boss@example.test", "boss@example.test")));
        Assert.That(await h.DecisionsAsync(1), Does.Contain("to support: owner=boss@example.test (fixed)"));
    }

    [Test]
    public async Task AVipCustomerGetsHighPriorityRecordedAsAVipDecision()
    {
        var h = await StartAsync("vip:\n  domains: [vip.example]\n");
        await h.IngestAsync(Mail(1, from: "Ceo <ceo@VIP.example>"));
        await h.IngestAsync(Mail(2));
        Assert.That(((await h.TicketAsync(1)).Priority, (await h.TicketAsync(2)).Priority), Is.EqualTo(("high", "normal")));
        Assert.That(await h.DecisionsAsync(1), Is.EqualTo(new[] { "vip: priority=high (vip)" }));
    }

    [Test]
    public async Task EncodedRussianAndPersianSubjectsMatchTheUrgentKeywordRule()
    {
        var h = await StartAsync("""
            rules:
              - name: urgent words
                when: { any: [ { subject: { contains: срочно } }, { subject: { contains: فوری } } ] }
                then: { priority: urgent }
            """);
        // KOI8-R "Срочно: не работает" and UTF-8 "فوری: چاپگر" as mail clients encode them.
        var ru = await h.IngestAsync(Mails.Customer("ivan@example.ru", "=?koi8-r?B?89LP3s7POiDOxSDSwcLP1MHF1A==?=", "ru@example.ru"));
        var fa = await h.IngestAsync(Mails.Customer("ali@example.ir", "=?utf-8?B?2YHZiNix24w6INqG2KfZvtqv2LE=?=", "fa@example.ir"));
        var en = await h.IngestAsync(Mails.Customer("ann@example.org", "Printer", "en@example.org"));
        Assert.That(((await h.TicketAsync(ru.Ticket!.Value)).Priority, (await h.TicketAsync(fa.Ticket!.Value)).Priority, (await h.TicketAsync(en.Ticket!.Value)).Priority),
            Is.EqualTo(("urgent", "urgent", "normal")));
    }
}
