namespace TicketWorker.Rules;

/// <summary>Which SLA target an escalation level measures from.</summary>
public enum EscalationTarget
{
    /// <summary>Whichever target (first response or resolution) was missed first.</summary>
    Any,
    FirstResponse,
    Resolution,
}
