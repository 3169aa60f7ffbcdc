namespace TicketWorker.Rules;

/// <summary>First-response and resolution targets for one priority, in business time.</summary>
public sealed record SlaTarget(TimeSpan? FirstResponse, TimeSpan? Resolution);
