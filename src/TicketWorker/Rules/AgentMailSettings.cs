namespace TicketWorker.Rules;

/// <summary>The <c>agent_mail:</c> section: what an agent's answer by mail does to the ticket (issue 13).</summary>
/// <param name="PendingOnReply">An agent's answer to the customer sets the ticket pending (waiting for the customer) unless a command sets the status.</param>
/// <param name="FromName">The display name of relayed answers, from support@; <c>{name}</c> is the agent's name.</param>
public sealed record AgentMailSettings(bool PendingOnReply, string FromName)
{
    public static AgentMailSettings Default { get; } = new(true, "{name} (Support)");

    /// <summary>The From display name for <paramref name="agentName"/>.</summary>
    public string DisplayName(string agentName) => FromName.Replace("{name}", agentName, StringComparison.Ordinal).Trim();
}
