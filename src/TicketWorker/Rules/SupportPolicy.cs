namespace TicketWorker.Rules;

/// <summary>The support policy read from rules.yaml (agents now; teams, rules, SLA with later stages).</summary>
public sealed class SupportPolicy
{
    public static SupportPolicy Empty { get; } = new([]);

    public SupportPolicy(IReadOnlyList<Agent> agents)
    {
        Agents = agents;
        _byEmail = agents.ToDictionary(a => a.Email, StringComparer.OrdinalIgnoreCase);
    }

    private readonly Dictionary<string, Agent> _byEmail;

    public IReadOnlyList<Agent> Agents { get; }

    /// <summary>The agent with this address (case-insensitive), or null.</summary>
    public Agent? FindAgent(string? email) => email is not null && _byEmail.TryGetValue(email, out var a) ? a : null;
}
