namespace TicketWorker.Storage;

/// <summary>SLA counts for <c>status</c>: tickets not closed whose target has passed, and the next due times.</summary>
public sealed record SlaFacts(int FirstResponseBreached, int ResolutionBreached, DateTimeOffset? NextFirstResponseDue, DateTimeOffset? NextResolutionDue);
