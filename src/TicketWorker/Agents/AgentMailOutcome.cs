namespace TicketWorker.Agents;

/// <summary>What <see cref="AgentMail"/> did with one stored message (for logs and tests).</summary>
/// <param name="Action">none, reopened (a customer's reply on a pending ticket), unverified, reply-all, refused, note, relayed, commands.</param>
/// <param name="Reason">Why, in a few words.</param>
/// <param name="RelayedMessageId">The Message-ID of the answer queued to the customer, when one was.</param>
public sealed record AgentMailOutcome(string Action, string Reason, string? RelayedMessageId = null)
{
    public static AgentMailOutcome None(string reason) => new("none", reason);
}
