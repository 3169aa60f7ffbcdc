using TicketWorker.Outbox;
using TicketWorker.Storage;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Replies;

/// <summary>rules.yaml's ack, sla and business_hours as the acknowledgement applies them.</summary>
public class AcknowledgementPolicyTests
{
    private const string Berlin = """
        business_hours:
          time_zone: Europe/Berlin
          week: { mon: 09:00-17:00, tue: 09:00-17:00, wed: 09:00-17:00, thu: 09:00-17:00, fri: 09:00-17:00 }
          holidays: [2026-03-10]
        sla:
          default: standard
          policies:
            standard:
              normal: { first_response: 1h, resolution: 4h }
        """;

    // Friday 6 March 2026, 16:00 in Berlin.
    private static readonly DateTimeOffset FridayAfternoon = new(2026, 3, 6, 15, 0, 0, TimeSpan.Zero);

    private static Task<IReadOnlyList<OutboxItem>> OutboxAsync(IngestHarness h) =>
        h.App.Database.InReadAsync(tx => h.App.Outbox.ListAsync(tx, null, 100));

    [Test]
    public async Task WithoutHistoryTheEstimateIsTheSlaTargetOnTheBusinessCalendar()
    {
        using var h = await IngestHarness.StartAsync(rules: Berlin, now: FridayAfternoon);
        await h.IngestAsync(Mails.Customer("ann@example.org", "Printer broken", "est-1@example.org"));
        await h.App.ComposeQueuedAsync();
        var t = (await h.TicketAsync(1))!;
        // One business hour on Friday, three on Monday: Monday 12:00 Berlin (11:00 UTC).
        Assert.That((t.Ticket.EstimateDueAt, t.Ticket.EstimateSource, t.Ticket.EstimateSamples),
            Is.EqualTo(((DateTimeOffset?)new DateTimeOffset(2026, 3, 9, 11, 0, 0, TimeSpan.Zero), "sla", 0)));
        var ack = t.Messages.Single(m => m.Kind == "ack");
        Assert.That(ack.Text, Does.Contain("Monday 12:00, Europe/Berlin"));
    }

    [Test]
    public async Task TheShippedDemoPromisesFiveBusinessDaysForNormalPriority()
    {
        // config/rules.yaml: normal resolution 5d, Monday to Thursday 09:00-17:00, Friday 09:00-15:00.
        // The harness writes agent1 and agent2 under agents: itself; the shipped list continues it from the lead on.
        var shipped = await File.ReadAllTextAsync(Path.Combine(RepoRoot.Path, "config", "rules.yaml"));
        var from = shipped.IndexOf("\nagents:\n", StringComparison.Ordinal) + 1;
        var rules = shipped.Remove(from, shipped.IndexOf("  - email: lead@example.test", StringComparison.Ordinal) - from);
        var tuesdayMorning = new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.Zero);
        using var h = await IngestHarness.StartAsync(
            extraSettings: $", \"TemplatesPath\": \"{Path.Combine(RepoRoot.Path, "templates")}\"", rules: rules, now: tuesdayMorning);
        await h.IngestAsync(Mails.Customer("ann@example.org", "Printer broken", $"demo-{Guid.NewGuid():N}@example.org"));
        await h.App.ComposeQueuedAsync();
        var t = (await h.TicketAsync(1))!;
        Assert.That((t.Ticket.Priority, t.Ticket.EstimateSource, t.Ticket.EstimateDueAt),
            Is.EqualTo(("normal", "sla", (DateTimeOffset?)tuesdayMorning.AddDays(7))), "the next Tuesday 10:00 Berlin");
        var ack = t.Messages.Single(m => m.Kind == "ack");
        Assert.That(ack.Text, Does.Contain("within 5 business days").And.Not.Contain("15 business days"));
    }

    [Test]
    public async Task OneDayFromFridayAfternoonIsPromisedForMondayAfternoon()
    {
        using var h = await IngestHarness.StartAsync(rules: Berlin.Replace("resolution: 4h", "resolution: 1d"), now: FridayAfternoon);
        await h.IngestAsync(Mails.Customer("ann@example.org", "Printer broken", "est-1d@example.org"));
        await h.App.ComposeQueuedAsync();
        var t = (await h.TicketAsync(1))!;
        Assert.That(t.Ticket.EstimateDueAt, Is.EqualTo((DateTimeOffset?)new DateTimeOffset(2026, 3, 9, 15, 0, 0, TimeSpan.Zero)), "Monday 16:00 Berlin");
        Assert.That(t.Messages.Single(m => m.Kind == "ack").Text, Does.Contain("Monday 16:00, Europe/Berlin"));
    }

    [Test]
    public async Task TheEstimateFollowsTheHistoryOfSimilarTickets()
    {
        using var h = await IngestHarness.StartAsync(rules: Berlin + "\nack: { estimate: { percentile: 80, window: 90d, min_samples: 5 } }\n", now: FridayAfternoon.AddDays(-14));
        // Five earlier tickets, each closed after two business hours.
        for (var i = 0; i < 5; i++)
        {
            h.Time.Set(new DateTimeOffset(2026, 2, 23 + i, 9, 0, 0, TimeSpan.Zero)); // 10:00 Berlin, Mon..Fri
            var r = await h.IngestAsync(Mails.Customer($"c{i}@example.org", $"Old {i}", $"old-{i}@example.org"));
            h.Time.Advance(TimeSpan.FromHours(2));
            await h.CloseAsync(r.Ticket!.Value);
        }
        h.Time.Set(FridayAfternoon);
        var now = await h.IngestAsync(Mails.Customer("ann@example.org", "Printer broken", "est-2@example.org"));
        var t = (await h.TicketAsync(now.Ticket!.Value))!;
        // p80 of five 2-hour tickets is 2 h: one hour on Friday, one on Monday → Monday 10:00 Berlin.
        Assert.That((t.Ticket.EstimateDueAt, t.Ticket.EstimateSource, t.Ticket.EstimateSamples),
            Is.EqualTo(((DateTimeOffset?)new DateTimeOffset(2026, 3, 9, 9, 0, 0, TimeSpan.Zero), "history", 5)));
    }

    [Test]
    public async Task ADelayedAcknowledgementIsDroppedWhenAnAgentAnsweredFirst()
    {
        using var h = await IngestHarness.StartAsync(rules: "ack: { delay: 15m }\n");
        await h.IngestAsync(Mails.Customer("ann@example.org", "Printer broken", "delay-1@example.org"));
        var row = (await OutboxAsync(h)).Single();
        Assert.That(row.NextAttemptAt, Is.EqualTo(h.Time.GetUtcNow().AddMinutes(15)));

        await h.App.Database.InTransactionAsync(async tx =>
        {
            var ticket = await h.App.Tickets.FindTicketByNumberAsync(tx, 1);
            await h.App.Tickets.UpdateTicketAsync(tx, ticket! with { FirstResponseAt = h.Time.GetUtcNow().AddMinutes(5) });
            return 0;
        });
        var sender = h.App.Sender("test");
        Assert.That((await sender.RunOnceAsync()).Claimed, Is.Zero, "not due yet");
        h.Time.Advance(TimeSpan.FromMinutes(16));
        var round = await sender.RunOnceAsync();
        Assert.That((round.Sent, round.Dropped), Is.EqualTo((0, 1)));
        var ack = (await h.TicketAsync(1))!.Messages.Single(m => m.Kind == "ack");
        Assert.That(ack.Status, Is.EqualTo(DeliveryStatus.Failed));
    }

    [Test]
    public async Task ARuleCanTurnTheAcknowledgementOff()
    {
        using var h = await IngestHarness.StartAsync(rules: """
            rules:
              - name: no ack for invoices
                when: { subject: { contains: invoice } }
                then: { ack: false }
            """);
        await h.IngestAsync(Mails.Customer("ann@example.org", "Your invoice 42", "inv-1@example.org"));
        await h.IngestAsync(Mails.Customer("bob@example.org", "Printer", "p-1@example.org"));
        Assert.That((await OutboxAsync(h)).Select(r => r.Recipients.Single()), Is.EqualTo(new[] { "bob@example.org" }));
    }

    [Test]
    public async Task AcknowledgementsCanBeSwitchedOff()
    {
        using var h = await IngestHarness.StartAsync(rules: "ack: { enabled: false }\n");
        await h.IngestAsync(Mails.Customer("ann@example.org", "Printer", "off-1@example.org"));
        Assert.That(await OutboxAsync(h), Is.Empty);
    }
}
