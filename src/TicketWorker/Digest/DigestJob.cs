using Quartz;
using TicketWorker.Rules;

namespace TicketWorker.Digest;

/// <summary>
/// The daily digest to the admins (issue 14, deliverable 6), fired by Quartz once a day (on one
/// worker only when the job store is clustered).
/// CONTRACT STUB (lead, 2026-12-02): the digest part fills in the body; the escalation part schedules
/// it with <see cref="DigestSchedule"/>.
/// </summary>
[DisallowConcurrentExecution]
public sealed class DigestJob : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>When the digest fires, from rules.yaml.</summary>
public static class DigestSchedule
{
    /// <summary>A Quartz cron expression (in <see cref="TimeZone"/>), or null when no digest is configured.</summary>
    public static string? Cron(SupportPolicy policy) => null;

    /// <summary>The business time zone the cron is read in.</summary>
    public static TimeZoneInfo TimeZone(SupportPolicy policy) => TimeZoneInfo.Utc;
}
