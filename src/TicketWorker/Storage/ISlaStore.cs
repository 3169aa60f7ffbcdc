namespace TicketWorker.Storage;

/// <summary>
/// The SLA columns of tickets and the escalation record (schema 5). Every write happens in the caller's
/// transaction, next to the ticket change it belongs to.
/// </summary>
public interface ISlaStore
{
    /// <summary>The SLA state of a ticket, or null when the ticket does not exist.</summary>
    Task<TicketSla?> GetSlaAsync(IStorageTransaction transaction, long ticketId, CancellationToken cancellationToken = default);

    /// <summary>Writes the SLA state of a ticket.</summary>
    Task SetSlaAsync(IStorageTransaction transaction, long ticketId, TicketSla sla, CancellationToken cancellationToken = default);

    /// <summary>Ids of tickets whose escalation check is due at <paramref name="now"/>, earliest first (index on escalation_check_at).</summary>
    Task<IReadOnlyList<long>> ListEscalationDueAsync(IStorageTransaction transaction, DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Locks the ticket's row for this transaction when its check is still due (another worker that
    /// handled it first has moved the check on): true when the caller may escalate it now.
    /// </summary>
    Task<bool> LockDueTicketAsync(IStorageTransaction transaction, long ticketId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The escalation levels already fired for a ticket.</summary>
    Task<IReadOnlyList<int>> ListFiredLevelsAsync(IStorageTransaction transaction, long ticketId, CancellationToken cancellationToken = default);

    /// <summary>Records that <paramref name="level"/> fired for the ticket; false (nothing written) when it already had.</summary>
    Task<bool> RecordEscalationAsync(IStorageTransaction transaction, long ticketId, int level, DateTimeOffset at, string worker, string reason, CancellationToken cancellationToken = default);

    /// <summary>Pending tickets (id and since when) that went pending at or before <paramref name="cutoff"/>, oldest first.</summary>
    Task<IReadOnlyList<(long TicketId, DateTimeOffset PendingSince)>> ListAutoCloseDueAsync(IStorageTransaction transaction, DateTimeOffset cutoff, int limit, CancellationToken cancellationToken = default);

    /// <summary>Closes the ticket when it is still pending since <paramref name="pendingSince"/>; false when something changed it meanwhile.</summary>
    Task<bool> CloseIfStillPendingAsync(IStorageTransaction transaction, long ticketId, DateTimeOffset pendingSince, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Numbers of tickets not closed whose first response (not yet given) or resolution is overdue at <paramref name="now"/> (paused tickets: when they were paused).</summary>
    Task<IReadOnlyList<long>> ListBreachedNumbersAsync(IStorageTransaction transaction, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Breach counts and next due times at <paramref name="now"/>.</summary>
    Task<SlaFacts> GetSlaFactsAsync(IStorageTransaction transaction, DateTimeOffset now, CancellationToken cancellationToken = default);
}
