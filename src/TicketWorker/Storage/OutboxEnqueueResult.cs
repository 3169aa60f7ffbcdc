namespace TicketWorker.Storage;

/// <summary>Outcome of enqueueing: the row under the key, and whether this call created it.</summary>
/// <param name="Item">The stored row (the existing one when the key was already queued).</param>
/// <param name="Created">False when the idempotency key existed; nothing was written.</param>
public sealed record OutboxEnqueueResult(OutboxItem Item, bool Created);
