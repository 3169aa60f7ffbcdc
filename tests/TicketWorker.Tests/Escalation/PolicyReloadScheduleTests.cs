using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using TicketWorker.Escalation;
using TicketWorker.Rules;
using TicketWorker.Storage;
using static TicketWorker.Tests.Escalation.SchedulerWiringTests;
using static TicketWorker.Tests.Escalation.SlaHarness;

namespace TicketWorker.Tests.Escalation;

/// <summary>
/// rules.yaml edited while the worker runs: the rules watcher's reload reschedules the scan and the digest (no
/// restart), once on a clustered store; a level added later reaches tickets that were past all the old ones.
/// </summary>
public class PolicyReloadScheduleTests
{
    private const string Digest = """
        digest:
          to: [lead@example.test]
          hour: 7

        """;

    private SlaHarness _h = null!;

    [TearDown]
    public async Task TearDown()
    {
        if (_h is not null) await _h.DisposeAsync();
    }

    private string RulesPath => Path.Combine(_h.ConfigPath, "rules.yaml");

    private static Task<bool> ReloadAsync(TestApp app) =>
        app.Services.GetServices<IHostedService>().OfType<PolicyWatcher>().Single().RunOnceAsync();

    private static async Task<(string Cron, string Zone, DateTimeOffset Start)?> TriggerAsync(IScheduler scheduler, JobKey job) =>
        await scheduler.GetTrigger(new TriggerKey(job.Name, job.Group)) is ICronTrigger t ? (t.CronExpressionString!, t.TimeZone.Id, t.StartTimeUtc) : null;

    [Test]
    public async Task EditingTheScanAndDigestScheduleReschedulesTheRunningSchedulerWithoutARestart()
    {
        _h = await StartAsync(SlaHarness.Agents + Calendar + Sla + Levels + Digest, realClock: true);
        var started = await StartSchedulerAsync(_h.App);
        try
        {
            var scheduler = await _h.App.Get<ISchedulerFactory>().GetScheduler();
            Assert.That((await TriggerAsync(scheduler, EscalationSchedule.ScanJob))!.Value.Cron, Is.EqualTo(EscalationSettings.DefaultScan));
            Assert.That((await TriggerAsync(scheduler, EscalationSchedule.DigestJobKey))!.Value.Cron, Is.EqualTo("0 0 7 * * ?"));

            File.WriteAllText(RulesPath, SlaHarness.Agents + Calendar + Sla + Levels.Replace("escalation:\n", "escalation:\n  scan: \"0 */2 * * * ?\"\n")
                + Digest.Replace("hour: 7", "hour: 9"));
            Assert.That(await ReloadAsync(_h.App), Is.True, "the edit is valid and took effect");

            Assert.That(await EventuallyAsync(async () => (await TriggerAsync(scheduler, EscalationSchedule.ScanJob))?.Cron == "0 */2 * * * ?", TimeSpan.FromSeconds(10)),
                Is.True, "the scan follows escalation.scan");
            Assert.That(await EventuallyAsync(async () => (await TriggerAsync(scheduler, EscalationSchedule.DigestJobKey))?.Cron == "0 0 9 * * ?", TimeSpan.FromSeconds(10)),
                Is.True, "the digest follows digest.hour");
            Assert.That((await TriggerAsync(scheduler, EscalationSchedule.DigestJobKey))!.Value.Zone, Is.EqualTo("Europe/Berlin"));

            // The digest section removed: its job goes.
            File.WriteAllText(RulesPath, SlaHarness.Agents + Calendar + Sla + Levels);
            Assert.That(await ReloadAsync(_h.App), Is.True);
            Assert.That(await EventuallyAsync(async () => await scheduler.GetJobDetail(EscalationSchedule.DigestJobKey) is null, TimeSpan.FromSeconds(10)), Is.True);
            Assert.That((await TriggerAsync(scheduler, EscalationSchedule.ScanJob))!.Value.Cron, Is.EqualTo(EscalationSettings.DefaultScan), "back to the default");
        }
        finally
        {
            await StopAsync(started);
        }
    }

    [Test]
    public async Task OnAClusteredStoreOneWorkerReschedulesAndTheOthersFindItDone()
    {
        _h = await StartAsync(SlaHarness.Agents + Calendar + Sla + Levels, provider: StorageProvider.Postgres, realClock: true);
        var second = await _h.OpenAppAsync();
        var first = await StartSchedulerAsync(_h.App);
        var other = await StartSchedulerAsync(second);
        try
        {
            var store = await second.Get<ISchedulerFactory>().GetScheduler();
            var edited = SlaHarness.Agents + Calendar + Sla + Levels.Replace("escalation:\n", "escalation:\n  scan: \"0 0/10 * * * ?\"\n");

            // Only the first worker notices the edit at first (its watcher ran): it reschedules the shared trigger.
            File.WriteAllText(RulesPath, edited);
            Assert.That(await ReloadAsync(_h.App), Is.True);
            Assert.That(await EventuallyAsync(async () => (await TriggerAsync(store, EscalationSchedule.ScanJob))?.Cron == "0 0/10 * * * ?", TimeSpan.FromSeconds(15)),
                Is.True, "the second worker's scheduler reads the new trigger from the shared store");
            var before = await TriggerAsync(store, EscalationSchedule.ScanJob);

            // The second worker reloads the same edit: nothing left to do, the stored trigger is not replaced again.
            Assert.That(await ReloadAsync(second), Is.True);
            Assert.That(await second.Services.GetServices<IHostedService>().OfType<EscalationSchedule>().Single().ApplyAsync(), Is.False, "idempotent");
            Assert.That(await TriggerAsync(store, EscalationSchedule.ScanJob), Is.EqualTo(before));
        }
        finally
        {
            await StopAsync(other);
            await StopAsync(first);
        }
    }

    [Test]
    public async Task ALevelAddedByAReloadReachesTicketsThatWerePastAllTheOldLevels()
    {
        var oneLevel = """
            escalation:
              levels:
                - after: 0m
                  target: first_response
                  notify: [owner]

            """;
        _h = await StartAsync(SlaHarness.Agents + Calendar + Sla + oneLevel); // Monday 10:00 Berlin
        var ticket = await _h.NewTicketAsync("Printer broken");
        var untouched = await _h.NewTicketAsync("Scanner broken", "customer2@example.test");
        await _h.ChangeAsync(untouched.Number, t => t with { FirstResponseAt = _h.Time.GetUtcNow() }); // answered in time
        _h.SetBerlin(2026, 3, 2, 14);
        Assert.That((await _h.ScanAsync()).Levels, Is.EqualTo(1));
        Assert.That((await _h.SlaAsync(ticket)).EscalationCheckAt, Is.Null, "past its only level: nothing left to check");

        var before = _h.App.Policy.Current;
        File.WriteAllText(RulesPath, SlaHarness.Agents + Calendar + Sla + """
            escalation:
              levels:
                - after: 0m
                  target: first_response
                  notify: [owner]
                - after: 4h
                  target: resolution
                  notify: [lead]

            """);
        _h.App.Policy.Reload();
        Assert.That(_h.App.Policy.Current.Escalation.Levels, Has.Count.EqualTo(2));
        var schedule = _h.App.Services.GetServices<IHostedService>().OfType<EscalationSchedule>().Single();

        Assert.That(await schedule.PolicyChangedAsync(before), Is.EqualTo(2), "both open tickets gain level 2's check");
        // Resolution due Wednesday 10:00 (2 days), level 2 four business hours later.
        Assert.That((await _h.SlaAsync(ticket)).EscalationCheckAt, Is.EqualTo(Berlin(2026, 3, 4, 14)));
        Assert.That(await schedule.PolicyChangedAsync(_h.App.Policy.Current), Is.Zero, "levels unchanged: nothing recomputed");

        _h.SetBerlin(2026, 3, 4, 14);
        var scan = await _h.ScanAsync();
        Assert.That((scan.Escalated, scan.Levels), Is.EqualTo((2, 2)), "level 2 fires for both");
        Assert.That((await _h.OutboxAsync("escalation")).Count(r => r.Recipients.Single() == "lead@example.test"), Is.EqualTo(2));
    }
}
