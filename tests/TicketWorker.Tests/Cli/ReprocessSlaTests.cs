using TicketWorker.Cli;
using TicketWorker.Tests.Infrastructure;
using TicketWorker.Storage;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Cli;

/// <summary>
/// <c>reprocess</c> and the SLA: when the edited rules give a ticket another priority, team or SLA
/// policy, its due times follow as on the live path (the SLA clock recomputes them from creation).
/// Business hours 09:00-17:00 UTC on weekdays; the tickets arrive on Monday 2 March 2026 at 09:00.
/// </summary>
public class ReprocessSlaTests
{
    private const string Calendar = """
        business_hours:
          time_zone: UTC
          week: { mon: 09:00-17:00, tue: 09:00-17:00, wed: 09:00-17:00, thu: 09:00-17:00, fri: 09:00-17:00 }
        sla:
          default: standard
          policies:
            standard:
              urgent: { first_response: 1h, resolution: 4h }
              normal: { first_response: 8h, resolution: 16h }
            vip:
              urgent: { first_response: 30m, resolution: 2h }
              normal: { first_response: 2h, resolution: 8h }

        """;

    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private IngestHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _h = await IngestHarness.StartAsync(rules: Calendar, now: Monday.AddHours(9));
        await _h.IngestAsync("From: Ann <customer1@example.test>\nTo: support@example.test\nSubject: Invoice is wrong\nMessage-ID: <sla1@example.test>\n\nPlease fix the invoice.\n");
        await _h.IngestAsync("From: Bob <customer2@example.test>\nTo: support@example.test\nSubject: Printer prints blank pages\nMessage-ID: <sla2@example.test>\n\nHelp\n");
        await _h.IngestAsync("From: Cleo <customer3@example.test>\nTo: support@example.test\nSubject: Login fails\nMessage-ID: <sla3@example.test>\n\nHelp\n");
        // The policy changes: invoices are urgent; printers get the vip policy; logins only a tag.
        File.WriteAllText(Path.Combine(_h.App.Folder.Directory, "rules.yaml"), Calendar + """
            rules:
              - name: invoices
                when: { subject: { contains: invoice } }
                then: { priority: urgent }
              - name: printers
                when: { subject: { contains: printer } }
                then: { sla: vip }
              - name: logins
                when: { subject: { contains: login } }
                then: { tags: [access] }
            """);
    }

    [TearDown]
    public void TearDown() => _h.Dispose();

    private Task<(int Code, string Output, string Errors)> RunAsync(params string[] args) => CliCommand.RunAsync(_h.App.Folder.Directory, args);

    private async Task<(DateTimeOffset? FirstResponse, DateTimeOffset? Resolution)> DueAsync(long number)
    {
        var sla = new SqlTicketStore(_h.App.Database);
        var id = (await _h.TicketAsync(number))!.Ticket.Id;
        var row = await _h.App.Database.InReadAsync(tx => sla.GetSlaAsync(tx, id));
        return (row!.FirstResponseDueAt, row.ResolutionDueAt);
    }

    private static (DateTimeOffset?, DateTimeOffset?) At(double firstHours, double resolutionHours) =>
        (Monday.AddHours(firstHours), Monday.AddHours(resolutionHours));

    [Test]
    public async Task APriorityOrSlaPolicyChangedByTheRulesMovesTheDueTimesAndATagDoesNot()
    {
        // At intake: standard/normal, 8 business hours to respond (Monday 17:00), 16 to resolve (Tuesday 17:00).
        Assert.That(await DueAsync(1), Is.EqualTo(At(17, 24 + 17)));

        var (code, output, errors) = await RunAsync("reprocess");

        Assert.That(code, Is.EqualTo(CliApp.Ok), errors);
        Assert.That(await DueAsync(1), Is.EqualTo(At(10, 13)), "standard/urgent: 1 h and 4 h from Monday 09:00");
        Assert.That(await DueAsync(2), Is.EqualTo(At(11, 17)), "vip/normal: 2 h and 8 h");
        Assert.That(await DueAsync(3), Is.EqualTo(At(17, 24 + 17)), "a tag leaves the due times alone");
        Assert.That((await _h.TicketAsync(2))!.Ticket.SlaPolicy, Is.EqualTo("vip"));
        Assert.That(output, Does.Contain("#1 Invoice is wrong: priority: normal → urgent; first response due 2026-03-02 17:00 UTC → 2026-03-02 10:00 UTC; resolution due 2026-03-03 17:00 UTC → 2026-03-02 13:00 UTC"));
        Assert.That(output, Does.Contain("#2 Printer prints blank pages: sla: standard → vip;"));
        var decisions = await _h.App.Database.InReadAsync(tx => _h.App.Tickets.ListRuleDecisionsAsync(tx, (long)2, CancellationToken.None));
        Assert.That(decisions.Where(d => d.RuleName == Reprocessor.DecisionName).Select(d => d.Action), Is.EqualTo(new[] { "sla=vip" }));
    }

    [Test]
    public async Task ADryRunShowsTheNewDueTimesAndKeepsTheOldOnes()
    {
        var (code, output, errors) = await RunAsync("reprocess", "--dry-run", "--ticket", "2");

        Assert.That(code, Is.EqualTo(CliApp.Ok), errors);
        Assert.That(output, Does.Contain("#2 Printer prints blank pages: would change sla: standard → vip; first response due 2026-03-02 17:00 UTC → 2026-03-02 11:00 UTC; resolution due 2026-03-03 17:00 UTC → 2026-03-02 17:00 UTC"));
        Assert.That(await DueAsync(2), Is.EqualTo(At(17, 24 + 17)));
        Assert.That((await _h.TicketAsync(2))!.Ticket.SlaPolicy, Is.EqualTo("standard"));
    }

    [Test]
    public async Task APendingTicketKeepsItsClockPausedWhileItsDueTimesMove()
    {
        // Ticket 1 goes pending at 11:00 (the clock stops there), then the rules make it urgent.
        _h.Time.Set(Monday.AddHours(11));
        await _h.App.Database.InTransactionAsync(async tx =>
        {
            var before = (await _h.App.Tickets.FindTicketByNumberAsync(tx, 1))!;
            await _h.App.Tickets.SetStatusAsync(tx, before.Id, TicketStatus.Pending, Monday.AddHours(11));
            var clock = new TicketWorker.Escalation.SlaClock(_h.App.Policy, new SqlTicketStore(_h.App.Database), _h.Time);
            await clock.TicketChangedAsync(tx, before, before with { Status = TicketStatus.Pending }, CancellationToken.None);
            return 0;
        });

        await RunAsync("reprocess", "--ticket", "1");

        Assert.That(await DueAsync(1), Is.EqualTo(At(10, 13)));
        var id = (await _h.TicketAsync(1))!.Ticket.Id;
        var sla = await _h.App.Database.InReadAsync(tx => new SqlTicketStore(_h.App.Database).GetSlaAsync(tx, id));
        Assert.That((sla!.SlaPausedAt, sla.PendingSince), Is.EqualTo(((DateTimeOffset?)Monday.AddHours(11), (DateTimeOffset?)Monday.AddHours(11))));
    }
}
