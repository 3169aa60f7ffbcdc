namespace TicketWorker.Rules;

/// <summary>How the acknowledgement learns its expected resolution time from history.</summary>
/// <param name="Percentile">The resolution time that this share (1–100) of similar tickets met.</param>
/// <param name="Window">How far back closed tickets count.</param>
/// <param name="MinSamples">Fewer similar tickets than this: fall back to the SLA target.</param>
public sealed record EstimateSettings(int Percentile, TimeSpan Window, int MinSamples)
{
    public static EstimateSettings Default { get; } = new(80, TimeSpan.FromDays(90), 20);
}
