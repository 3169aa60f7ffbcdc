namespace TicketWorker.Escalation;

/// <summary>How a due time is stated to the customer.</summary>
public enum EstimatePhraseKind
{
    /// <summary>"by {weekday} {HH:mm}, {zone} time": the due time is within the coming week.</summary>
    DateTime,

    /// <summary>"within {N} business days": the due time is further out.</summary>
    BusinessDays,
}
