namespace TicketWorker.Rules;

/// <summary>The <c>ack:</c> section: automatic acknowledgement of new tickets.</summary>
/// <param name="Delay">Wait this long; skip the ack when an agent answered meanwhile.</param>
/// <param name="MaxPerDay">Automatic replies one address gets per day at most (RFC 3834 §2).</param>
public sealed record AckSettings(bool Enabled, string Template, TimeSpan Delay, int MaxPerDay, EstimateSettings Estimate)
{
    public static AckSettings Default { get; } = new(true, "ack", TimeSpan.Zero, 5, EstimateSettings.Default);
}
