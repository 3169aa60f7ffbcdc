namespace TicketWorker.Agents;

/// <summary>
/// The deployment's agent check. Today: <c>token</c> only, the plus-address reply token issued to
/// this agent for this ticket (<see cref="Threading.ReplyToken.IssueForAgent"/>).
/// </summary>
public sealed class AgentVerifier : IAgentVerifier
{
    public Task<AgentVerdict> VerifyAsync(AgentClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        foreach (var token in Threading.ReplyToken.InMessage(claim.Message, claim.MailboxAddresses))
            if (claim.Tokens.VerifyForAgent(token, claim.Agent.Email) == claim.TicketNumber)
                return Task.FromResult(AgentVerdict.Pass("token"));
        return Task.FromResult(AgentVerdict.Fail("token: no reply token issued to this agent for ticket " + claim.TicketNumber));
    }
}
