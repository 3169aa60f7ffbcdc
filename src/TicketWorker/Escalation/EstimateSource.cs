namespace TicketWorker.Escalation;

/// <summary>Where a resolution estimate came from.</summary>
public enum EstimateSource
{
    /// <summary>The percentile of similar closed tickets.</summary>
    History,

    /// <summary>The SLA resolution target, for lack of history.</summary>
    Sla,
}
