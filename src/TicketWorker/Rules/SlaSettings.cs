namespace TicketWorker.Rules;

/// <summary>The <c>sla:</c> section: named policies and the one tickets get when no rule picks one.</summary>
public sealed record SlaSettings(IReadOnlyDictionary<string, SlaPolicy> Policies, string? Default)
{
    public static SlaSettings Empty { get; } = new(new Dictionary<string, SlaPolicy>(), null);

    /// <summary>Whether the SLA clock stops while a ticket is pending on the customer (<c>sla.pause_pending</c>, default true).</summary>
    public bool PausePending { get; init; } = true;

    /// <summary>The policy with this name (case-insensitive), or null.</summary>
    public SlaPolicy? Find(string? name) =>
        name is null ? null : Policies.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
