using System.Globalization;
using TicketWorker.Rules;

namespace TicketWorker.Digest;

/// <summary>When the digest fires, from rules.yaml.</summary>
public static class DigestSchedule
{
    /// <summary>A Quartz cron expression (in <see cref="TimeZone"/>), or null when no digest is configured.</summary>
    public static string? Cron(SupportPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        // Quartz cron fields: second minute hour day-of-month month day-of-week.
        if (policy.Digest is not { } digest) return null;
        return digest.At is { } at
            ? string.Create(CultureInfo.InvariantCulture, $"0 {at.Minute} {at.Hour} * * ?")
            : string.Create(CultureInfo.InvariantCulture, $"0 0 {digest.Hour} * * ?");
    }

    /// <summary>The business time zone the cron is read in.</summary>
    public static TimeZoneInfo TimeZone(SupportPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.BusinessHours.Default?.TimeZone ?? TimeZoneInfo.Utc;
    }
}
