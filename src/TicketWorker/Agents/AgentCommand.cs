namespace TicketWorker.Agents;

/// <summary>What an email command does (issue 13, deliverable 5).</summary>
public enum AgentCommandKind
{
    Close,
    Pending,
    Open,
    Assign,
    Priority,
    Tag,
    Note,
}

/// <summary>One command line from the top of an agent's mail, its argument resolved against the policy.</summary>
/// <param name="Kind">What it does.</param>
/// <param name="Argument">The argument as resolved: a priority name, a tag, an agent's address or a team's name; null for commands without one.</param>
/// <param name="AssignsTeam">For <see cref="AgentCommandKind.Assign"/>: the argument names a team, not an agent.</param>
public sealed record AgentCommand(AgentCommandKind Kind, string? Argument = null, bool AssignsTeam = false);
