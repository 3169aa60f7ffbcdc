namespace TicketWorker.Digest;

/// <summary>How many durations were measured and their 50th and 90th percentiles (nearest rank), null when none.</summary>
public sealed record DurationSummary(int Count, TimeSpan? P50, TimeSpan? P90)
{
    public static DurationSummary Empty { get; } = new(0, null, null);

    /// <summary>Nearest-rank percentiles: p is the smallest value with at least p % of the values at or below it.</summary>
    public static DurationSummary Of(IEnumerable<TimeSpan> durations)
    {
        ArgumentNullException.ThrowIfNull(durations);
        var sorted = durations.Order().ToArray();
        return sorted.Length == 0 ? Empty : new DurationSummary(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 90));
    }

    private static TimeSpan Percentile(TimeSpan[] sorted, int p)
    {
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
