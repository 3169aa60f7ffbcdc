namespace TicketWorker.Storage;

/// <summary>A closed ticket's times, for learning resolution estimates.</summary>
/// <param name="TicketId">The ticket's row id.</param>
/// <param name="Team">Its team.</param>
/// <param name="Priority">Its priority.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ClosedAt">When it was closed.</param>
public sealed record ClosedTicketSample(long TicketId, string? Team, string Priority, DateTimeOffset CreatedAt, DateTimeOffset ClosedAt);
