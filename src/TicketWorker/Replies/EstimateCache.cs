using TicketWorker.Escalation;

namespace TicketWorker.Replies;

/// <summary>
/// The promise lengths (<see cref="EstimateBasis"/>) worked out within one intake batch, by priority,
/// team and SLA policy. Working one out reads every ticket of that priority closed within the
/// estimate window and measures each in business time; the history does not change within a batch,
/// so the second new ticket of the same kind reuses the first one's (due times are still placed from
/// each ticket's own "now").
/// </summary>
public sealed class EstimateCache
{
    private readonly Dictionary<(string Priority, string? Team, string? Sla), EstimateBasis?> bases = [];

    internal bool TryGet(string priority, string? team, string? sla, out EstimateBasis? basis) => bases.TryGetValue((priority, team, sla), out basis);

    internal void Set(string priority, string? team, string? sla, EstimateBasis? basis) => bases[(priority, team, sla)] = basis;
}
