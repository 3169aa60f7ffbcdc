using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using TicketWorker.Escalation;
using TicketWorker.Storage;
using static TicketWorker.Tests.Escalation.SlaHarness;

namespace TicketWorker.Tests.Escalation;

/// <summary>
/// Quartz inside the worker's host: the scheduler's hosted services of <c>run</c> (only those, not
/// intake or outbox) started on a test's composition. The cron fires every second here, so these tests
/// wait for real firings (polling, bounded), while the job bodies still read the fake clock.
/// </summary>
public class SchedulerWiringTests
{
    private const string EverySecond = """
        escalation:
          scan: "* * * * * ?"
          levels:
            - after: 0m
              target: first_response
              notify: [owner]

        """;

    private SlaHarness _h = null!;

    [TearDown]
    public async Task TearDown()
    {
        if (_h is not null) await _h.DisposeAsync();
    }

    /// <summary>Starts Quartz's hosted service and <see cref="EscalationSchedule"/> of an app, then tells them the application has started.</summary>
    internal static async Task<IReadOnlyList<IHostedService>> StartSchedulerAsync(TestApp app)
    {
        var services = app.Services.GetServices<IHostedService>()
            .Where(s => s is EscalationSchedule || s.GetType().FullName!.StartsWith("Quartz.", StringComparison.Ordinal))
            .ToList();
        foreach (var service in services) await service.StartAsync(CancellationToken.None);
        // Quartz's hosted service waits for ApplicationStarted before it starts the scheduler.
        if (app.Services.GetRequiredService<IHostApplicationLifetime>() is Microsoft.Extensions.Hosting.Internal.ApplicationLifetime lifetime)
            lifetime.NotifyStarted();
        return services;
    }

    internal static async Task StopAsync(IReadOnlyList<IHostedService> services)
    {
        foreach (var service in services.Reverse()) await service.StopAsync(CancellationToken.None);
    }

    internal static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (DateTime.UtcNow < until)
        {
            if (await condition()) return true;
            await Task.Delay(100);
        }
        return await condition();
    }

    [Test]
    public async Task WithSqliteTheHostStartsAnInMemorySchedulerThatFiresTheScan()
    {
        var runs = new ConcurrentBag<(string Instance, DateTimeOffset Scheduled)>();
        _h = await StartAsync(SlaHarness.Agents + Calendar + Sla + EverySecond, realClock: true,
            overrides: s => s.AddQuartz(q => q.AddJobListener(new RunRecorder(runs))));

        var started = await StartSchedulerAsync(_h.App);
        try
        {
            var scheduler = await _h.App.Get<ISchedulerFactory>().GetScheduler();
            Assert.That(await EventuallyAsync(async () => await scheduler.GetStatus() == SchedulerStatus.Running, TimeSpan.FromSeconds(10)), Is.True);
            Assert.That((await scheduler.GetMetadata()).JobStorePersistent, Is.False, "RAMJobStore on SQLite");
            var trigger = (ICronTrigger)(await scheduler.GetTrigger(new TriggerKey(EscalationSchedule.ScanJob.Name, EscalationSchedule.ScanJob.Group)))!;
            Assert.That(trigger.CronExpressionString, Is.EqualTo("* * * * * ?"));
            Assert.That(await scheduler.GetJobDetail(EscalationSchedule.DigestJobKey), Is.Null, "no digest configured");
            Assert.That(await EventuallyAsync(() => Task.FromResult(runs.Count >= 2), TimeSpan.FromSeconds(20)), Is.True, "the scan fired on its cron");
        }
        finally
        {
            await StopAsync(started);
        }
    }

    [Test]
    public async Task WithPostgresTwoSchedulersShareTheClusteredStoreAndEachFiringRunsOnOne()
    {
        var runs = new ConcurrentBag<(string Instance, DateTimeOffset Scheduled)>();
        void Listen(IServiceCollection services) => services.AddQuartz(q => q.AddJobListener(new RunRecorder(runs)));
        _h = await StartAsync(SlaHarness.Agents + Calendar + Sla + EverySecond, provider: StorageProvider.Postgres, overrides: Listen, realClock: true);
        var second = await _h.OpenAppAsync(Listen);

        var first = await StartSchedulerAsync(_h.App);
        var other = await StartSchedulerAsync(second);
        try
        {
            var a = await _h.App.Get<ISchedulerFactory>().GetScheduler();
            var b = await second.Get<ISchedulerFactory>().GetScheduler();
            Assert.That((await a.GetMetadata()).JobStoreClustered && (await b.GetMetadata()).JobStoreClustered, Is.True);
            Assert.That(a.SchedulerInstanceId, Is.Not.EqualTo(b.SchedulerInstanceId));
            Assert.That(await EventuallyAsync(() => Task.FromResult(runs.Count >= 6), TimeSpan.FromSeconds(30)), Is.True, $"runs: {runs.Count}");
        }
        finally
        {
            await StopAsync(other);
            await StopAsync(first);
        }

        var scan = runs.ToList();
        Assert.That(scan.GroupBy(r => r.Scheduled).Where(g => g.Count() > 1), Is.Empty, "no firing ran on both schedulers");
        TestContext.Out.WriteLine($"firings per instance: {string.Join(", ", scan.GroupBy(r => r.Instance).Select(g => $"{g.Key}={g.Count()}"))}");
    }

    private sealed class RunRecorder(ConcurrentBag<(string, DateTimeOffset)> runs) : IJobListener
    {
        public string Name => "test-run-recorder";

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            if (context.JobDetail.Key.Equals(EscalationSchedule.ScanJob))
                runs.Add((context.Scheduler.SchedulerInstanceId, context.ScheduledFireTimeUtc ?? DateTimeOffset.MinValue));
            return ValueTask.CompletedTask;
        }

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default) =>
            ValueTask.CompletedTask;
    }
}
