using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;
using TicketWorker.Digest;
using TicketWorker.Rules;

namespace TicketWorker.Escalation;

/// <summary>
/// Puts the jobs into the scheduler when the worker starts (before Quartz's hosted service starts it):
/// the escalation scan on <c>escalation.scan</c> (UTC) and, when configured, the daily digest on
/// <see cref="DigestSchedule"/>. Then follows rules.yaml: after every reload (<see cref="PolicyHolder.Changed"/>)
/// the triggers are brought in line with the new policy without a restart, and when the escalation levels
/// changed every open ticket's next check is recomputed (<see cref="EscalationRecheck"/>).
/// </summary>
/// <remarks>
/// A trigger is replaced only when its cron or time zone differs from the policy's, so on a clustered store the
/// first worker to reload reschedules and the others find it done (their replace would only move the next
/// firing needlessly); all of them writing the same keys is harmless either way.
/// </remarks>
public sealed partial class EscalationSchedule(ISchedulerFactory schedulers, PolicyHolder policy, EscalationRecheck recheck, TimeProvider time,
    ILogger<EscalationSchedule> logger) : BackgroundService
{
    public static readonly JobKey ScanJob = new("escalation-scan", "ticketworker");
    public static readonly JobKey DigestJobKey = new("digest", "ticketworker");

    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly object _gate = new();
    private SupportPolicy? _pendingBefore;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        policy.Changed += OnPolicyChanged;
        await ApplyAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        policy.Changed -= OnPolicyChanged;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _changed.WaitAsync(stoppingToken).ConfigureAwait(false);
                SupportPolicy? before;
                lock (_gate) (before, _pendingBefore) = (_pendingBefore, null);
                if (before is not null) await PolicyChangedAsync(before, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may be away (a restart): the next reload tries again; the old triggers keep firing meanwhile.
                Log.ApplyFailed(logger, e);
            }
        }
    }

    /// <summary>
    /// Brings the triggers in line with the policy in force; true when one was (re)scheduled or removed.
    /// Idempotent: a trigger that already has the policy's cron and zone is left alone.
    /// </summary>
    public async Task<bool> ApplyAsync(CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        var current = policy.Current;
        var changed = await ScheduleAsync<EscalationScanJob>(scheduler, ScanJob, current.Escalation.Scan, TimeZoneInfo.Utc, cancellationToken).ConfigureAwait(false);
        if (DigestSchedule.Cron(current) is { } cron)
            changed |= await ScheduleAsync<DigestJob>(scheduler, DigestJobKey, cron, DigestSchedule.TimeZone(current), cancellationToken).ConfigureAwait(false);
        else if (await scheduler.DeleteJob(DigestJobKey, cancellationToken).ConfigureAwait(false))
        {
            Log.Unscheduled(logger, DigestJobKey.Name);
            changed = true;
        }
        return changed;
    }

    /// <summary>What a reload does here: the triggers, then (levels changed) the next checks; returns how many tickets got a new check.</summary>
    public async Task<int> PolicyChangedAsync(SupportPolicy before, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(before);
        await ApplyAsync(cancellationToken).ConfigureAwait(false);
        if (EscalationRecheck.LevelsKey(before.Escalation) == EscalationRecheck.LevelsKey(policy.Current.Escalation)) return 0;
        var count = await recheck.RunOnceAsync(cancellationToken).ConfigureAwait(false);
        Log.Rechecked(logger, count);
        return count;
    }

    // Runs on the reloading thread: only note the change (the first "before" of a burst of reloads) and wake the loop.
    private void OnPolicyChanged(SupportPolicy before, SupportPolicy after)
    {
        lock (_gate) _pendingBefore ??= before;
        try { _changed.Release(); }
        catch (SemaphoreFullException) { } // a wake-up is already pending
    }

    private async Task<bool> ScheduleAsync<TJob>(IScheduler scheduler, JobKey key, string cron, TimeZoneInfo zone, CancellationToken cancellationToken)
        where TJob : IJob
    {
        var triggerKey = new TriggerKey(key.Name, key.Group);
        if (await scheduler.GetTrigger(triggerKey, cancellationToken).ConfigureAwait(false) is ICronTrigger existing
            && existing.CronExpressionString == cron && existing.TimeZone.Id == zone.Id
            && await scheduler.GetJobDetail(key, cancellationToken).ConfigureAwait(false) is { } detail
            && detail.JobType.Type == typeof(TJob) && detail.RequestsRecovery)
            return false;

        // Recovery: when the worker running a firing dies (kill -9, power loss), another worker of the
        // cluster runs it again; otherwise a day's digest whose worker died mid-job would never go out.
        // Both jobs may run twice: the scan locks each ticket, the digest is queued once per day and recipient.
        var job = JobBuilder.Create<TJob>().WithIdentity(key).RequestRecovery().Build();
        // On the scheduler's clock: a cron trigger built without one computes its first firing from the system clock,
        // months away from a test's fake "now".
        var trigger = TriggerBuilder.Create(time)
            .WithIdentity(triggerKey)
            .ForJob(key)
            .WithCronSchedule(cron, c => c.InTimeZone(zone))
            .Build();
        await scheduler.ScheduleJob(job, [trigger], new ScheduleJobOptions { Replace = true }, cancellationToken).ConfigureAwait(false);
        Log.Scheduled(logger, key.Name, cron, zone.Id);
        return true;
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Scheduled {Job} on cron \"{Cron}\" ({Zone})")]
        public static partial void Scheduled(ILogger logger, string job, string cron, string zone);

        [LoggerMessage(2, LogLevel.Information, "Unscheduled {Job}: rules.yaml no longer configures it")]
        public static partial void Unscheduled(ILogger logger, string job);

        [LoggerMessage(3, LogLevel.Information, "Escalation levels changed: next check recomputed, {Count} open ticket(s) got a new one")]
        public static partial void Rechecked(ILogger logger, int count);

        [LoggerMessage(4, LogLevel.Warning, "Could not apply the changed rules.yaml to the scheduler; the previous schedule stays until the next change")]
        public static partial void ApplyFailed(ILogger logger, Exception exception);
    }
}
