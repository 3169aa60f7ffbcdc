namespace TicketWorker.Storage;

/// <summary>Outcome of adding a message: added, or its Message-ID was already stored.</summary>
/// <param name="IsDuplicate">True when a message with the same Message-ID exists; nothing was written.</param>
/// <param name="MessageRowId">Row id of the new or the existing message.</param>
/// <param name="TicketId">Ticket of the new or the existing message.</param>
public sealed record AddMessageResult(bool IsDuplicate, long MessageRowId, long TicketId);
