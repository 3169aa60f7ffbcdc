using TicketWorker.Storage;
using static TicketWorker.Tests.Escalation.SlaHarness;

namespace TicketWorker.Tests.Escalation;

/// <summary>Due times stored on tickets through intake and status changes (SQLite, fake clock, Berlin office hours 09-17).</summary>
public class SlaClockTests
{
    private SlaHarness _h = null!;

    [TearDown]
    public async Task TearDown()
    {
        if (_h is not null) await _h.DisposeAsync();
    }

    [Test]
    public async Task ANewTicketGetsItsDueTimesInBusinessTimeOfTheDefaultCalendar()
    {
        _h = await StartAsync(); // Monday 2 March 2026, 10:00 Berlin
        var ticket = await _h.NewTicketAsync("Printer broken");

        var sla = await _h.SlaAsync(ticket);
        Assert.That(sla.FirstResponseDueAt, Is.EqualTo(Berlin(2026, 3, 2, 14)), "4 business hours");
        Assert.That(sla.ResolutionDueAt, Is.EqualTo(Berlin(2026, 3, 4, 10)), "2 opening days: the same time on Wednesday");
        Assert.That(sla.EscalationCheckAt, Is.EqualTo(Berlin(2026, 3, 2, 14)), "level 1 fires at the first-response target");
    }

    [Test]
    public async Task BusinessTimeSkipsTheWeekendAndAHoliday()
    {
        // Thursday 2 April 2026 16:00; Good Friday is an ordinary day here, Easter Monday (6 April) a holiday.
        _h = await StartAsync(start: Berlin(2026, 4, 2, 16));
        var ticket = await _h.NewTicketAsync("Printer broken");

        var sla = await _h.SlaAsync(ticket);
        Assert.That(sla.FirstResponseDueAt, Is.EqualTo(Berlin(2026, 4, 3, 12)), "1 h on Thursday, 3 h on Friday");
        Assert.That(sla.ResolutionDueAt, Is.EqualTo(Berlin(2026, 4, 7, 16)), "Friday, then Tuesday: the weekend and Easter Monday skipped");
    }

    [Test]
    public async Task DueTimesCrossTheSpringDaylightSavingChangeInBerlin()
    {
        // Friday 27 March 2026 16:00 CET; clocks go forward on Sunday 29 March.
        _h = await StartAsync(start: Berlin(2026, 3, 27, 16));
        var ticket = await _h.NewTicketAsync("Printer broken");

        var sla = await _h.SlaAsync(ticket);
        Assert.That(sla.FirstResponseDueAt, Is.EqualTo(new DateTimeOffset(2026, 3, 30, 10, 0, 0, TimeSpan.Zero)), "Monday 12:00 CEST");
        Assert.That(sla.ResolutionDueAt, Is.EqualTo(new DateTimeOffset(2026, 3, 31, 14, 0, 0, TimeSpan.Zero)), "Tuesday 16:00 CEST");
    }

    [Test]
    public async Task DueTimesCrossTheAutumnDaylightSavingChangeInBerlin()
    {
        // Friday 23 October 2026 16:00 CEST; clocks go back on Sunday 25 October.
        _h = await StartAsync(start: Berlin(2026, 10, 23, 16));
        var ticket = await _h.NewTicketAsync("Printer broken");

        var sla = await _h.SlaAsync(ticket);
        Assert.That(sla.FirstResponseDueAt, Is.EqualTo(new DateTimeOffset(2026, 10, 26, 11, 0, 0, TimeSpan.Zero)), "Monday 12:00 CET");
        Assert.That(sla.ResolutionDueAt, Is.EqualTo(new DateTimeOffset(2026, 10, 27, 15, 0, 0, TimeSpan.Zero)), "Tuesday 16:00 CET");
    }

    [Test]
    public async Task AnOvernightShiftTeamCountsItsNightAsOneOpeningDay()
    {
        // Monday 2 March 2026 23:00 Berlin: the night team works 22:00-06:00.
        _h = await StartAsync(start: Berlin(2026, 3, 2, 23));
        var ticket = await _h.NewTicketAsync("night printer broken");
        Assert.That(ticket.Team, Is.EqualTo("night"));

        var sla = await _h.SlaAsync(ticket);
        Assert.That(sla.FirstResponseDueAt, Is.EqualTo(Berlin(2026, 3, 3, 3)), "1 h before midnight, 3 h after");
        Assert.That(sla.ResolutionDueAt, Is.EqualTo(Berlin(2026, 3, 4, 23)), "2 shifts later at the same time");
    }

    [Test]
    public async Task PendingPausesTheClockAndResumingPushesTheDueTimesByThePausedBusinessTime()
    {
        _h = await StartAsync(); // Monday 10:00
        var ticket = await _h.NewTicketAsync("Printer broken");
        _h.SetBerlin(2026, 3, 2, 11);
        await _h.ChangeAsync(ticket.Number, t => t with { Status = TicketStatus.Pending });

        var paused = await _h.SlaAsync(ticket);
        Assert.That(paused.SlaPausedAt, Is.EqualTo(Berlin(2026, 3, 2, 11)));
        Assert.That(paused.PendingSince, Is.EqualTo(Berlin(2026, 3, 2, 11)));
        Assert.That(paused.EscalationCheckAt, Is.Null, "no escalation while the customer is asked");

        _h.SetBerlin(2026, 3, 3, 11); // 8 business hours later (Monday 11-17, Tuesday 9-11)
        await _h.ChangeAsync(ticket.Number, t => t with { Status = TicketStatus.Open });

        var resumed = await _h.SlaAsync(ticket);
        Assert.That(resumed.SlaPausedAt, Is.Null);
        Assert.That(resumed.PendingSince, Is.Null);
        Assert.That(resumed.SlaPausedSeconds, Is.EqualTo(8 * 3600));
        Assert.That(resumed.FirstResponseDueAt, Is.EqualTo(Berlin(2026, 3, 3, 14)), "Monday 14:00 plus 8 business hours");
        Assert.That(resumed.ResolutionDueAt, Is.EqualTo(Berlin(2026, 3, 5, 10)), "Wednesday 10:00 plus 8 business hours");
    }

    [Test]
    public async Task WithPausePendingOffTheClockKeepsRunning()
    {
        _h = await StartAsync(SlaHarness.Agents + Calendar + Sla.Replace("sla:\n", "sla:\n  pause_pending: false\n") + Levels);
        var ticket = await _h.NewTicketAsync("Printer broken");
        _h.SetBerlin(2026, 3, 2, 11);
        await _h.ChangeAsync(ticket.Number, t => t with { Status = TicketStatus.Pending });
        _h.SetBerlin(2026, 3, 3, 11);
        await _h.ChangeAsync(ticket.Number, t => t with { Status = TicketStatus.Open });

        var sla = await _h.SlaAsync(ticket);
        Assert.That(sla.SlaPausedSeconds, Is.Zero);
        Assert.That(sla.FirstResponseDueAt, Is.EqualTo(Berlin(2026, 3, 2, 14)));
    }

    [Test]
    public async Task APriorityChangeRecomputesTheDueTimesFromCreation()
    {
        _h = await StartAsync();
        var ticket = await _h.NewTicketAsync("Printer broken");
        _h.SetBerlin(2026, 3, 2, 10, 30);
        await _h.ChangeAsync(ticket.Number, t => t with { Priority = "urgent" });

        var sla = await _h.SlaAsync(ticket);
        Assert.That(sla.FirstResponseDueAt, Is.EqualTo(Berlin(2026, 3, 2, 11)), "urgent: 1 h from creation");
        Assert.That(sla.ResolutionDueAt, Is.EqualTo(Berlin(2026, 3, 3, 10)), "urgent: 1 opening day");
    }
}
