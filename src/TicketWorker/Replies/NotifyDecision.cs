namespace TicketWorker.Replies;

/// <summary>The agents a notification was queued for, or why none (a reason for logs and tests).</summary>
public sealed record NotifyDecision(IReadOnlyList<string> Agents, string Reason)
{
    public static NotifyDecision Skip(string reason) => new([], reason);
}
