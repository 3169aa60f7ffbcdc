namespace TicketWorker.Rules;

/// <summary>The support policy read from rules.yaml: agents, teams, VIPs, rules, and what later stages read.</summary>
public sealed class SupportPolicy
{
    public static SupportPolicy Empty { get; } = new([]);

    public SupportPolicy(IReadOnlyList<Agent> agents, IReadOnlyList<Team>? teams = null)
    {
        Agents = agents;
        Teams = teams ?? [];
        _byEmail = agents.ToDictionary(a => a.Email, StringComparer.OrdinalIgnoreCase);
        _teams = Teams.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
    }

    private readonly Dictionary<string, Agent> _byEmail;
    private readonly Dictionary<string, Team> _teams;

    public IReadOnlyList<Agent> Agents { get; }

    /// <summary>Teams in file order; members resolved (explicit <c>members</c> first, then agents naming the team).</summary>
    public IReadOnlyList<Team> Teams { get; }

    public VipList Vip { get; init; } = VipList.Empty;

    /// <summary>Rules in file order.</summary>
    public IReadOnlyList<Rule> Rules { get; init; } = [];

    public SlaSettings Sla { get; init; } = SlaSettings.Empty;
    public BusinessHours BusinessHours { get; init; } = BusinessHours.None;
    public AckSettings Ack { get; init; } = AckSettings.Default;
    public NotifySettings Notify { get; init; } = NotifySettings.Default;
    public EscalationSettings Escalation { get; init; } = EscalationSettings.None;
    public AgentMailSettings AgentMail { get; init; } = AgentMailSettings.Default;

    /// <summary>The daily digest (rules.yaml <c>digest:</c>), or null when none is configured.</summary>
    public DigestSettings? Digest { get; init; }

    /// <summary>The agent with this address (case-insensitive), or null.</summary>
    public Agent? FindAgent(string? email) => email is not null && _byEmail.TryGetValue(email, out var a) ? a : null;

    /// <summary>The team with this name (case-insensitive), or null.</summary>
    public Team? FindTeam(string? name) => name is not null && _teams.TryGetValue(name, out var t) ? t : null;
}
