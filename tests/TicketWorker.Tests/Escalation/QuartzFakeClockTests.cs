using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using TicketWorker.Escalation;
using static TicketWorker.Tests.Escalation.SchedulerWiringTests;
using static TicketWorker.Tests.Escalation.SlaHarness;

namespace TicketWorker.Tests.Escalation;

/// <summary>
/// Quartz on a test's <see cref="FakeTimeProvider"/>. Why it once did not fire: Quartz 4 runs on the container's
/// TimeProvider, but a trigger built with <c>TriggerBuilder.Create()</c> (no clock) computes its first cron firing
/// from the system clock, so against a fake "now" months earlier it was months away. Built with
/// <c>TriggerBuilder.Create(time)</c> it fires when the fake clock reaches it. The clock must move in steps shorter
/// than the misfire threshold (60 s): a jump further past a firing makes it a misfire.
/// </summary>
public class QuartzFakeClockTests
{
    private SlaHarness _h = null!;

    [TearDown]
    public async Task TearDown()
    {
        if (_h is not null) await _h.DisposeAsync();
    }

    /// <summary>Moves the fake clock in 30-second steps to <paramref name="until"/>, giving the scheduler a moment after each.</summary>
    private async Task StepToAsync(DateTimeOffset until, Func<bool> done)
    {
        while (_h.Time.GetUtcNow() < until)
        {
            _h.Time.Advance(TimeSpan.FromSeconds(30));
            var wait = DateTime.UtcNow.AddSeconds(1);
            while (!done() && DateTime.UtcNow < wait) await Task.Delay(20);
        }
    }

    [Test]
    public async Task TheScanFiresOnItsCronWhenTheFakeClockReachesIt()
    {
        var fired = new ConcurrentQueue<DateTimeOffset>();
        _h = await StartAsync(overrides: s => s.AddQuartz(q => q.AddJobListener(new Recorder(fired))));
        var ticket = await _h.NewTicketAsync("Printer broken"); // Monday 10:00 Berlin; first response due 14:00
        _h.SetBerlin(2026, 3, 2, 13, 58);

        var started = await StartSchedulerAsync(_h.App);
        try
        {
            var scheduler = await _h.App.Get<ISchedulerFactory>().GetScheduler();
            var trigger = await scheduler.GetTrigger(new TriggerKey(EscalationSchedule.ScanJob.Name, EscalationSchedule.ScanJob.Group));
            Assert.That(trigger!.NextFireTimeUtc, Is.EqualTo(Berlin(2026, 3, 2, 14)), "the cron's next firing is read on the fake clock");

            await StepToAsync(Berlin(2026, 3, 2, 13, 59).AddSeconds(30), () => !fired.IsEmpty);
            Assert.That(fired, Is.Empty, "nothing before 14:00 on the fake clock");

            await StepToAsync(Berlin(2026, 3, 2, 14, 1), () => fired.Count >= 1);
            Assert.That(await EventuallyAsync(async () => (await _h.TicketAsync(ticket.Number)).EscalationLevel == 1, TimeSpan.FromSeconds(10)), Is.True,
                "the scan Quartz fired escalated the overdue ticket");
            Assert.That(fired, Is.EqualTo(new[] { Berlin(2026, 3, 2, 14) }), "once, at the fake 14:00");
        }
        finally
        {
            await StopAsync(started);
        }
    }

    private sealed class Recorder(ConcurrentQueue<DateTimeOffset> fired) : IJobListener
    {
        public string Name => "fake-clock-recorder";

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            if (context.JobDetail.Key.Equals(EscalationSchedule.ScanJob)) fired.Enqueue(context.ScheduledFireTimeUtc ?? DateTimeOffset.MinValue);
            return ValueTask.CompletedTask;
        }

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default) =>
            ValueTask.CompletedTask;
    }
}
