namespace TicketWorker.Storage;

/// <summary>Outbox rows per status, for <c>status</c>.</summary>
/// <param name="Queued">Waiting to be sent.</param>
/// <param name="Sending">Claimed by a worker.</param>
/// <param name="Sent">Delivered to the SMTP server.</param>
/// <param name="Failed">Failed permanently.</param>
public sealed record OutboxCounts(int Queued, int Sending, int Sent, int Failed);
