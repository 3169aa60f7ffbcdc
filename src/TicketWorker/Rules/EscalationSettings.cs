namespace TicketWorker.Rules;

/// <summary>The <c>escalation:</c> section: levels in order and when pending tickets close by themselves.</summary>
public sealed record EscalationSettings(IReadOnlyList<EscalationLevel> Levels, TimeSpan? AutoClosePending)
{
    public static EscalationSettings None { get; } = new([], null);
}
