namespace TicketWorker.Escalation;

/// <summary>How resolution estimates are learned (rules.yaml <c>ack.estimate</c>).</summary>
public sealed record EstimateSettings
{
    /// <summary>The defaults: p80 over 90 days, at least 20 samples, a date and time up to 5 business days out.</summary>
    public static EstimateSettings Default { get; } = new();

    /// <summary>Nearest-rank percentile of past business resolution times, 1 to 100 (<c>percentile</c>).</summary>
    public int Percentile { get; init; } = 80;

    /// <summary>Only tickets closed this long before now count (<c>window</c>).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Fewer matching samples than this fall back to the SLA target (<c>min_samples</c>).</summary>
    public int MinSamples { get; init; } = 20;

    /// <summary>
    /// Due times up to this many business days after today are stated as weekday and time ("by Tuesday 14:00");
    /// later ones as a number of business days. Zero states everything but same-day estimates in days.
    /// </summary>
    public int DateTimeWithinBusinessDays { get; init; } = 5;

    /// <summary>Every problem as a readable sentence; empty when the settings are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Percentile is < 1 or > 100)
        {
            problems.Add($"percentile must be between 1 and 100 (is {Percentile})");
        }

        if (Window <= TimeSpan.Zero)
        {
            problems.Add($"window must be positive (is {Window})");
        }

        if (MinSamples < 1)
        {
            problems.Add($"min_samples must be at least 1 (is {MinSamples})");
        }

        if (DateTimeWithinBusinessDays < 0)
        {
            problems.Add($"the date-time horizon must not be negative (is {DateTimeWithinBusinessDays})");
        }

        return problems;
    }
}
