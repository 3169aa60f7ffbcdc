namespace TicketWorker.Rules;

/// <summary>A named SLA policy (<c>sla: policies: NAME:</c>): targets per priority name.</summary>
public sealed record SlaPolicy(string Name, IReadOnlyDictionary<string, SlaTarget> Targets)
{
    /// <summary>Targets for a priority, or null when the policy sets none for it.</summary>
    public SlaTarget? For(string priority) => Targets.TryGetValue(priority, out var t) ? t : null;
}
