using Microsoft.Extensions.Logging;
using Quartz;
using TicketWorker.Rules;

namespace TicketWorker.Digest;

/// <summary>
/// The daily digest to the admins (issue 14, deliverable 6), fired by Quartz once a day (on one
/// worker only when the job store is clustered): queues yesterday's digest, in the business time
/// zone, for every address of rules.yaml <c>digest.to</c>. Each mail is queued under
/// <c>digest:{day}:{recipient}</c>, so a second firing (another worker, a restart, a misfire) sends nothing more.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class DigestJob(DigestSender sender, PolicyHolder policy, TimeProvider time, ILogger<DigestJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var current = policy.Current;
        if (current.Digest is not { } settings)
        {
            Log.NotConfigured(logger);
            return;
        }
        var day = Yesterday(current, time.GetUtcNow());
        var results = await sender.QueueAsync(day, settings.To, cancellationToken).ConfigureAwait(false);
        Log.Done(logger, day, results.Count(r => r.Created), results.Count(r => !r.Created));
    }

    /// <summary>The day before the business time zone's today.</summary>
    public static DateOnly Yesterday(SupportPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, DigestSchedule.TimeZone(policy)).DateTime).AddDays(-1);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "No digest: rules.yaml has no digest section")]
        public static partial void NotConfigured(ILogger logger);

        [LoggerMessage(2, LogLevel.Information, "Digest of {Day} queued for {Queued} recipient(s); {Already} already queued before")]
        public static partial void Done(ILogger logger, DateOnly day, int queued, int already);
    }
}
