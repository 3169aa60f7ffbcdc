namespace TicketWorker.Rules;

/// <summary>The <c>escalation:</c> section: levels in order and when pending tickets close by themselves.</summary>
/// <param name="AutoClosePending">
/// Calendar time, not business time: it measures the customer's silence, which does not stop at our closing time.
/// </param>
public sealed record EscalationSettings(IReadOnlyList<EscalationLevel> Levels, TimeSpan? AutoClosePending)
{
    public static EscalationSettings None { get; } = new([], null);
}
