namespace TicketWorker.Agents;

/// <summary>
/// Decides whether a message claiming an agent's address really comes from that agent
/// (issue 13, deliverable 6): relay and email commands are accepted only when it says so.
/// </summary>
public interface IAgentVerifier
{
    Task<AgentVerdict> VerifyAsync(AgentClaim claim, CancellationToken cancellationToken);
}
