using Microsoft.Extensions.Hosting;
using Quartz;
using TicketWorker.Digest;
using TicketWorker.Rules;

namespace TicketWorker.Escalation;

/// <summary>
/// Puts the jobs into the scheduler when the worker starts (before Quartz's hosted service starts it):
/// the escalation scan on <c>escalation.scan</c> (UTC) and, when configured, the daily digest on
/// <see cref="DigestSchedule"/>. On a clustered store every worker writes the same job and trigger
/// keys (replacing what is stored), so a changed cron takes effect on the next start of any worker.
/// </summary>
public sealed class EscalationSchedule(ISchedulerFactory schedulers, PolicyHolder policy) : IHostedService
{
    public static readonly JobKey ScanJob = new("escalation-scan", "ticketworker");
    public static readonly JobKey DigestJobKey = new("digest", "ticketworker");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        var current = policy.Current;
        await ScheduleAsync<EscalationScanJob>(scheduler, ScanJob, current.Escalation.Scan, TimeZoneInfo.Utc, cancellationToken).ConfigureAwait(false);
        if (DigestSchedule.Cron(current) is { } cron)
            await ScheduleAsync<DigestJob>(scheduler, DigestJobKey, cron, DigestSchedule.TimeZone(current), cancellationToken).ConfigureAwait(false);
        else
            await scheduler.DeleteJob(DigestJobKey, cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task ScheduleAsync<TJob>(IScheduler scheduler, JobKey key, string cron, TimeZoneInfo zone, CancellationToken cancellationToken)
        where TJob : IJob
    {
        // Recovery: when the worker running a firing dies (kill -9, power loss), another worker of the
        // cluster runs it again; otherwise a day's digest whose worker died mid-job would never go out.
        // Both jobs may run twice: the scan locks each ticket, the digest is queued once per day and recipient.
        var job = JobBuilder.Create<TJob>().WithIdentity(key).RequestRecovery().Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(key.Name, key.Group)
            .ForJob(key)
            .WithCronSchedule(cron, c => c.InTimeZone(zone))
            .Build();
        await scheduler.ScheduleJob(job, [trigger], new ScheduleJobOptions { Replace = true }, cancellationToken).ConfigureAwait(false);
    }
}
