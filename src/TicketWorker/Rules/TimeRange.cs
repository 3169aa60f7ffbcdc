namespace TicketWorker.Rules;

/// <summary>Opening hours on one day, e.g. 09:00-17:00 (end exclusive; 24:00 allowed as end).</summary>
public sealed record TimeRange(TimeSpan Start, TimeSpan End)
{
    public bool Contains(TimeSpan timeOfDay) => timeOfDay >= Start && timeOfDay < End;
}
