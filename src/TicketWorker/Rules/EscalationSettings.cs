namespace TicketWorker.Rules;

/// <summary>The <c>escalation:</c> section: levels in order and when pending tickets close by themselves.</summary>
/// <param name="AutoClosePending">
/// Calendar time, not business time: it measures the customer's silence, which does not stop at our closing time.
/// </param>
public sealed record EscalationSettings(IReadOnlyList<EscalationLevel> Levels, TimeSpan? AutoClosePending)
{
    /// <summary>Every five minutes, at second 0.</summary>
    public const string DefaultScan = "0 */5 * * * ?";

    public static EscalationSettings None { get; } = new([], null);

    /// <summary>When the escalation scan (levels and auto-close) runs: a Quartz cron expression (<c>escalation.scan</c>), in UTC.</summary>
    public string Scan { get; init; } = DefaultScan;
}
