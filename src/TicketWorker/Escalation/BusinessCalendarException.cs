namespace TicketWorker.Escalation;

/// <summary>A business-calendar description cannot be used (unknown time zone, bad intervals); fix the configuration.</summary>
public sealed class BusinessCalendarException : Exception
{
    /// <summary>Creates the exception with every problem found.</summary>
    public BusinessCalendarException(IReadOnlyList<string> problems)
        : base("invalid business calendar: " + string.Join("; ", problems))
    {
        Problems = problems;
    }

    /// <summary>Each problem as one readable sentence, e.g. "unknown time zone 'Europe/Berln'".</summary>
    public IReadOnlyList<string> Problems { get; }
}
