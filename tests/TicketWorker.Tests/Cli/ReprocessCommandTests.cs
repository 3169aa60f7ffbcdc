using TicketWorker.Cli;
using TicketWorker.Tests.Infrastructure;
using TicketWorker.Storage;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Cli;

/// <summary>
/// <c>reprocess</c>: tickets routed by one rules.yaml, then the file edited and the command run
/// through the command line on the same SQLite database, as an admin would.
/// </summary>
public class ReprocessCommandTests
{
    private const string Teams = """
        teams:
          billing:
            members: [agent2@example.test]
            assign: fixed
            owner: agent2@example.test

        """;

    private IngestHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _h = await IngestHarness.StartAsync(rules: Teams + """
            rules:
              - name: printers
                when: { subject: { contains: printer } }
                then: { tags: [hardware] }
            """);
        await _h.IngestAsync("From: Ann <customer1@example.test>\nTo: support@example.test\nSubject: Invoice is wrong\nMessage-ID: <r1@example.test>\n\nPlease fix the invoice.\n");
        await _h.IngestAsync("From: Bob <customer2@example.test>\nTo: support@example.test\nSubject: Printer prints blank pages\nMessage-ID: <r2@example.test>\n\nHelp\n");
        // The policy changes: invoices go to billing, urgent; printers get another tag.
        File.WriteAllText(Path.Combine(_h.App.Folder.Directory, "rules.yaml"), """
            agents:
              - email: agent1@example.test
              - email: agent2@example.test

            """ + Teams + """
            rules:
              - name: invoices
                when: { subject: { contains: invoice } }
                then: { team: billing, priority: urgent, tags: [billing] }
              - name: printers
                when: { subject: { contains: printer } }
                then: { tags: [printing] }
            """);
    }

    [TearDown]
    public void TearDown() => _h.Dispose();

    private Task<(int Code, string Output, string Errors)> RunAsync(params string[] args) => CliCommand.RunAsync(_h.App.Folder.Directory, args);

    [Test]
    public async Task DryRunPrintsTheChangesAndWritesNothing()
    {
        var (code, output, errors) = await RunAsync("reprocess", "--dry-run");

        Assert.That(code, Is.EqualTo(CliApp.Ok), errors);
        Assert.That(output, Does.Contain("#1 Invoice is wrong: would change team: - → billing; owner: - → agent2@example.test (owner=agent2@example.test (fixed)); priority: normal → urgent; tag +billing"));
        Assert.That(output, Does.Contain("#2 Printer prints blank pages: would change tag +printing; tag -hardware"));
        Assert.That(output, Does.Contain("2 ticket(s): 2 would change, 0 unchanged, 0 skipped (dry run: nothing written)"));
        var ticket = (await _h.TicketAsync(1))!.Ticket;
        Assert.That((ticket.Team, ticket.Owner, ticket.Priority), Is.EqualTo(((string?)null, (string?)null, "normal")));
        Assert.That((await _h.TicketAsync(2))!.Ticket.Tags, Is.EqualTo(new[] { "hardware" }));
    }

    [Test]
    public async Task ReprocessAppliesTeamOwnerPriorityAndTagsAndRecordsWhy()
    {
        var (code, output, errors) = await RunAsync("reprocess");

        Assert.That(code, Is.EqualTo(CliApp.Ok), errors);
        Assert.That(output, Does.Contain("2 ticket(s): 2 changed, 0 unchanged, 0 skipped"));
        var invoice = (await _h.TicketAsync(1))!.Ticket;
        Assert.That((invoice.Team, invoice.Owner, invoice.Priority), Is.EqualTo(("billing", "agent2@example.test", "urgent")));
        Assert.That(invoice.Tags, Is.EqualTo(new[] { "billing" }));
        Assert.That((await _h.TicketAsync(2))!.Ticket.Tags, Is.EqualTo(new[] { "printing" }), "the tag the old rule added is replaced");
        var decisions = await _h.App.Database.InReadAsync(tx => _h.App.Tickets.ListRuleDecisionsAsync(tx, invoice.Id, CancellationToken.None));
        Assert.That(decisions.Where(d => d.RuleName == Reprocessor.DecisionName).Select(d => d.Action),
            Is.EqualTo(new[] { "team=billing", "owner=agent2@example.test", "priority=urgent", "tag+=billing" }));

        // Run again: the rules and the tickets agree now.
        var (_, again, _) = await RunAsync("reprocess");
        Assert.That(again, Does.Contain("2 ticket(s): 0 changed, 2 unchanged, 0 skipped"));
    }

    [Test]
    public async Task TagsNotAddedByARuleAreKept()
    {
        await _h.App.Database.InTransactionAsync(async tx =>
        {
            var t = (await _h.App.Tickets.FindTicketByNumberAsync(tx, 2))!;
            await _h.App.Tickets.UpdateTicketAsync(tx, t with { Tags = [.. t.Tags, "from-an-agent"] });
            return 0;
        });

        await RunAsync("reprocess", "--ticket", "2");

        Assert.That((await _h.TicketAsync(2))!.Ticket.Tags, Is.EquivalentTo(new[] { "from-an-agent", "printing" }));
        Assert.That((await _h.TicketAsync(1))!.Ticket.Team, Is.Null, "--ticket 2 leaves ticket 1 alone");
    }

    [Test]
    public async Task ClosedTicketsAreLeftAloneUnlessNamedOrCreatedSinceTheDateGiven()
    {
        await _h.CloseAsync(1);

        var (_, open, _) = await RunAsync("reprocess", "--dry-run");
        var (_, since, _) = await RunAsync("reprocess", "--dry-run", "--since", "2026-03-02");
        var (_, later, _) = await RunAsync("reprocess", "--dry-run", "--since", "2026-03-02T09:01");

        Assert.That(open, Does.Not.Contain("#1 ").And.Contain("1 ticket(s)"));
        Assert.That(since, Does.Contain("#1 Invoice is wrong: would change").And.Contain("2 ticket(s)"));
        Assert.That(later, Does.Contain("0 ticket(s)"));
    }

    [Test]
    public async Task AnUnknownTicketOrABadDateIsAOneLineError()
    {
        var (code, _, errors) = await RunAsync("reprocess", "--ticket", "99");
        var (dateCode, _, dateErrors) = await RunAsync("reprocess", "--since", "yesterday");

        Assert.That((code, errors.Trim()), Is.EqualTo((CliApp.UserError, "error: there is no ticket 99")));
        Assert.That((dateCode, dateErrors.Trim()), Is.EqualTo((CliApp.UserError, "error: --since 'yesterday': expected a date like 2026-03-01 or a time like 2026-03-01T09:00 (UTC)")));
    }
}
