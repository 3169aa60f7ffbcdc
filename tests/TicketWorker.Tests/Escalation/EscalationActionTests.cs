using MimeKit;
using TicketWorker.Storage;
using static TicketWorker.Tests.Escalation.SlaHarness;

namespace TicketWorker.Tests.Escalation;

/// <summary>
/// What the scan does to a ticket beyond notifying: the auto-close mail in the customer's language (shipped
/// templates), and "reassign to a team" picking the owner by that team's <c>assign:</c> mode.
/// </summary>
public class EscalationActionTests
{
    private SlaHarness _h = null!;

    [TearDown]
    public async Task TearDown()
    {
        if (_h is not null) await _h.DisposeAsync();
    }

    [TestCase("en", "Was your problem solved? If not, simply reply to this mail and the request will be reopened.")]
    [TestCase("fa", "آیا مشکل شما برطرف شد؟ اگر نه، کافی است به همین نامه پاسخ دهید تا درخواست دوباره باز شود.")]
    [TestCase("ru", "Удалось ли решить ваш вопрос? Если нет, просто ответьте на это письмо, и обращение будет открыто снова.")]
    [TestCase("el", "Λύθηκε το πρόβλημά σας; Αν όχι, απλώς απαντήστε σε αυτό το μήνυμα και το αίτημα θα ανοίξει ξανά.")]
    public async Task TheAutoCloseMailAsksWhetherTheProblemWasSolvedInTheCustomersLanguage(string language, string question)
    {
        _h = await StartAsync(shippedTemplates: true);
        var ticket = await _h.NewTicketAsync("Printer broken");
        await _h.ChangeAsync(ticket.Number, t => t with { Language = language, Status = TicketStatus.Pending });

        _h.Time.Advance(TimeSpan.FromDays(7));
        Assert.That((await _h.ScanAsync()).Closed, Is.EqualTo(1));

        var mail = MimeMessage.Load(new MemoryStream((await _h.OutboxAsync("closed")).Single().Raw));
        Assert.That(mail.TextBody, Does.Contain(question));
        Assert.That(mail.HtmlBody, Does.Contain(question));
        if (language == "fa")
            Assert.That(mail.HtmlBody, Does.Contain("<html lang=\"fa\" dir=\"rtl\">").And.Contain("<body dir=\"rtl\""), "Persian reads right to left");
    }

    private const string Teams = """
        agents:
          - email: agent1@example.test
            name: Agent One
            teams: [support]
          - email: lead@example.test
            name: Team Lead
            teams: [support]
          - email: rr1@example.test
            name: Round One
          - email: rr2@example.test
            name: Round Two
            away: true
          - email: rr3@example.test
            name: Round Three
          - email: lo1@example.test
            name: Least One
          - email: lo2@example.test
            name: Least Two
          - email: fx1@example.test
            name: Fixed One
          - email: fx2@example.test
            name: Fixed Two
        teams:
          support:
            members: [agent1@example.test]
            assign: fixed
            owner: agent1@example.test
            lead: lead@example.test
          rotation:
            members: [rr1@example.test, rr2@example.test, rr3@example.test]
            assign: round_robin
            lead: rr1@example.test
          fewest:
            members: [lo1@example.test, lo2@example.test]
            assign: least_open
          pinned:
            members: [fx1@example.test, fx2@example.test]
            assign: fixed
            owner: fx2@example.test
        rules:
          - name: everything
            then: { team: support }
        ack: { enabled: false }
        notify: { new_ticket: false, follow_up: false }

        """;

    private const string OfficeHours = """
        business_hours:
          time_zone: Europe/Berlin
          week: { mon: 09:00-17:00, tue: 09:00-17:00, wed: 09:00-17:00, thu: 09:00-17:00, fri: 09:00-17:00 }

        """;

    private static string ReassignTo(string team) => $$"""
        escalation:
          levels:
            - after: 0m
              target: first_response
              reassign: { team: {{team}} }

        """;

    private async Task<List<string?>> EscalateAsync(int count)
    {
        var numbers = new List<long>();
        for (var i = 0; i < count; i++) numbers.Add((await _h.NewTicketAsync($"Printer {i} broken", $"customer{i}@example.test")).Number);
        _h.SetBerlin(2026, 3, 2, 14); // the first response (4 h) is due for all of them
        Assert.That((await _h.ScanAsync()).Levels, Is.EqualTo(count));
        var owners = new List<string?>();
        foreach (var n in numbers)
        {
            var t = await _h.TicketAsync(n);
            owners.Add(t.Owner);
        }
        return owners;
    }

    [Test]
    public async Task ReassigningToARoundRobinTeamTakesItsMembersInTurnSkippingThoseAway()
    {
        _h = await StartAsync(Teams + OfficeHours + Sla + ReassignTo("rotation"));
        var owners = await EscalateAsync(3);
        // Not the lead (rr1 leads the team), not the first member each time: rr1, rr3 (rr2 is away), rr1 again.
        Assert.That(owners, Is.EqualTo(new[] { "rr1@example.test", "rr3@example.test", "rr1@example.test" }));
        var ticket = await _h.TicketAsync(1);
        Assert.That(ticket.Team, Is.EqualTo("rotation"));
        var decisions = await _h.App.Database.InReadAsync(tx => _h.App.Tickets.ListRuleDecisionsAsync(tx, ticket.Id, CancellationToken.None));
        Assert.That(decisions.Select(d => (d.RuleName, d.Action)),
            Does.Contain(("escalation level 1", "team=rotation, owner=rr1@example.test (round_robin)")), "the pick is on the ticket's record");
    }

    [Test]
    public async Task ReassigningToALeastOpenTeamGivesTheTicketToTheMemberWithFewestOpenTickets()
    {
        _h = await StartAsync(Teams + OfficeHours + Sla + ReassignTo("fewest"));
        // lo1 holds two open tickets already, lo2 one.
        foreach (var (owner, i) in new[] { ("lo1@example.test", 0), ("lo1@example.test", 1), ("lo2@example.test", 2) })
        {
            var held = await _h.NewTicketAsync($"Held {i}", $"held{i}@example.test");
            await _h.ChangeAsync(held.Number, t => t with { Owner = owner, Team = "fewest" });
        }
        // Those three were created at 10:00 too and escalate in the same pass: take them out of the SLA's reach.
        for (long n = 1; n <= 3; n++) await _h.ChangeAsync(n, t => t with { FirstResponseAt = _h.Time.GetUtcNow() });

        var owners = await EscalateAsync(2);
        // First: lo2 (1 < 2); then both hold two, the tie goes by order in the team: lo1.
        Assert.That(owners, Is.EqualTo(new[] { "lo2@example.test", "lo1@example.test" }));
    }

    [Test]
    public async Task ReassigningToAFixedTeamGivesTheTicketToItsOwner()
    {
        _h = await StartAsync(Teams + OfficeHours + Sla + ReassignTo("pinned"));
        Assert.That(await EscalateAsync(2), Is.EqualTo(new[] { "fx2@example.test", "fx2@example.test" }), "the team's owner, not its first member");
    }
}
