namespace TicketWorker.Rules;

/// <summary>One escalation level: <see cref="After"/> (business time) past the SLA target, do these things (once per ticket).</summary>
/// <param name="Notify">Who is told: <c>owner</c>, <c>lead</c>, <c>team</c>.</param>
/// <param name="RaisePriority">Raise the priority one step.</param>
/// <param name="ReassignAgent">Give the ticket to this agent.</param>
/// <param name="ReassignTeam">Give the ticket to this team (its assignment picks the owner).</param>
public sealed record EscalationLevel(int Level, BusinessDuration After, EscalationTarget Target, IReadOnlyList<string> Notify,
    bool RaisePriority, string? ReassignAgent, string? ReassignTeam)
{
    /// <summary>Tags added to the ticket (<c>tag:</c>, one name or a list).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
}
