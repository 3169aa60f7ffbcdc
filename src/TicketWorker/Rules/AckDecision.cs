namespace TicketWorker.Rules;

/// <summary>A rule's <c>ack:</c> action: send or skip the acknowledgement, optionally with a named template.</summary>
public sealed record AckDecision(bool Send, string? Template)
{
    public override string ToString() => !Send ? "off" : Template ?? "on";
}
