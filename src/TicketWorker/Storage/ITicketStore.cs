namespace TicketWorker.Storage;

/// <summary>Tickets, their messages, participants and rule decisions, plus the per-team and per-address state routing needs.</summary>
public interface ITicketStore
{
    /// <summary>The message with this Message-ID (without angle brackets), inbound or outbound.</summary>
    Task<MessageRecord?> FindMessageByMessageIdAsync(IStorageTransaction transaction, string messageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether a message with this Message-ID was taken in before: stored on a ticket (inbound or outbound) or kept
    /// as ignored (ignored_messages); with the ticket's number when it is on one. One query for intake's duplicate check.
    /// </summary>
    Task<(bool TakenIn, long? TicketNumber)> FindTakenInAsync(IStorageTransaction transaction, string messageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="FindTakenInAsync(IStorageTransaction, string, CancellationToken)"/> for several Message-IDs at once (the next
    /// messages of intake's batch): the ones taken in, with their ticket's number (null for one kept as ignored); the others are missing.
    /// </summary>
    Task<IReadOnlyDictionary<string, long?>> FindTakenInAsync(IStorageTransaction transaction, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default);

    /// <summary>For each of these Message-IDs that is stored, the ticket it belongs to (keys as stored).</summary>
    Task<IReadOnlyDictionary<string, long>> FindTicketIdsByMessageIdsAsync(IStorageTransaction transaction, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Locks the ticket's row until the transaction ends (a no-op UPDATE, on every database), so that a
    /// ticket read afterwards in this transaction is the latest committed one and stays so: another
    /// worker's change (an escalation) is neither lost under a write-back of an older copy nor made meanwhile.
    /// </summary>
    /// <param name="openOnly">Only an open ticket (false: whatever its status).</param>
    /// <returns>Whether the ticket (open, with <paramref name="openOnly"/>) exists and is now locked.</returns>
    Task<bool> LockTicketAsync(IStorageTransaction transaction, long ticketId, bool openOnly = false, CancellationToken cancellationToken = default);

    /// <summary>The ticket with this row id.</summary>
    Task<TicketRecord?> FindTicketByIdAsync(IStorageTransaction transaction, long ticketId, CancellationToken cancellationToken = default);

    /// <summary>The ticket with this number (<c>[#N]</c>).</summary>
    Task<TicketRecord?> FindTicketByNumberAsync(IStorageTransaction transaction, long number, CancellationToken cancellationToken = default);

    /// <summary>The ticket with this plus-address reply token.</summary>
    Task<TicketRecord?> FindTicketByReplyTokenAsync(IStorageTransaction transaction, string replyToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// The most recently updated ticket that is not closed, whose customer is <paramref name="customerAddress"/>
    /// (case-insensitive), whose normalized subject equals <paramref name="normalizedSubject"/>, updated at or after <paramref name="since"/>.
    /// </summary>
    Task<TicketRecord?> FindRecentOpenTicketBySenderAndSubjectAsync(IStorageTransaction transaction, string customerAddress, string normalizedSubject, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts a ticket and assigns the next number (safe under concurrent workers: numbers never repeat).
    /// <see cref="TicketRecord.Id"/> and <see cref="TicketRecord.Number"/> of the argument are ignored.
    /// <paramref name="replyTokenOf"/>, when given, makes the reply token (unique) from the assigned number and
    /// stores it with the ticket, in the same insert; so does <paramref name="sla"/> with the SLA times
    /// (<c>SlaClock.ForNewTicket</c>), which <see cref="ISlaStore.SetSlaAsync"/> would otherwise write afterwards.
    /// </summary>
    Task<TicketRecord> CreateTicketAsync(IStorageTransaction transaction, TicketRecord ticket, CancellationToken cancellationToken = default,
        Func<long, string>? replyTokenOf = null, TicketSla? sla = null);

    /// <summary>Writes every mutable field of the ticket (all but Id, Number, CreatedAt) by its Id.</summary>
    Task UpdateTicketAsync(IStorageTransaction transaction, TicketRecord ticket, CancellationToken cancellationToken = default);

    /// <summary>Sets the ticket's updated time (activity on it); nothing else of the ticket changes.</summary>
    Task TouchAsync(IStorageTransaction transaction, long ticketId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Sets status and updated time; closing sets ClosedAt, reopening clears it.</summary>
    Task SetStatusAsync(IStorageTransaction transaction, long ticketId, TicketStatus status, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Stores the resolution time promised to the customer (due, "history" or "sla", samples); nothing else of the ticket changes.</summary>
    Task SetEstimateAsync(IStorageTransaction transaction, long ticketId, DateTimeOffset dueAt, string source, int samples, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts a message with its attachments. A Message-ID already stored is reported as a duplicate
    /// (nothing written, the transaction stays usable), never as an exception.
    /// </summary>
    Task<AddMessageResult> AddMessageAsync(IStorageTransaction transaction, MessageRecord message, CancellationToken cancellationToken = default);

    /// <summary>Sets delivery status and failure reason of an outbound message by Message-ID; false when not stored.</summary>
    Task<bool> SetMessageStatusAsync(IStorageTransaction transaction, string messageId, DeliveryStatus status, string? failureReason, CancellationToken cancellationToken = default);

    /// <summary>Records addresses on a ticket (lower-cased; already present ones are kept with their first role).</summary>
    Task AddParticipantsAsync(IStorageTransaction transaction, long ticketId, IEnumerable<(string Address, string Role)> participants, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Whether the address (case-insensitive) is a participant of the ticket.</summary>
    Task<bool> IsParticipantAsync(IStorageTransaction transaction, long ticketId, string address, CancellationToken cancellationToken = default);

    /// <summary>Records what a rule did to a ticket.</summary>
    Task AddRuleDecisionAsync(IStorageTransaction transaction, RuleDecisionRecord decision, CancellationToken cancellationToken = default);

    /// <summary>Rule decisions of a ticket, oldest first.</summary>
    Task<IReadOnlyList<RuleDecisionRecord>> ListRuleDecisionsAsync(IStorageTransaction transaction, long ticketId, CancellationToken cancellationToken = default);

    /// <summary>Tickets with their message counts, newest number first; all statuses when <paramref name="status"/> is null.</summary>
    Task<IReadOnlyList<TicketSummary>> ListTicketsAsync(IStorageTransaction transaction, TicketStatus? status, CancellationToken cancellationToken = default);

    /// <summary>A ticket by number with its messages (with attachments) and participants.</summary>
    Task<TicketDetails?> GetTicketWithMessagesAsync(IStorageTransaction transaction, long number, CancellationToken cancellationToken = default);

    /// <summary>Tickets closed at or after <paramref name="closedSince"/>, optionally of one priority, for estimates.</summary>
    Task<IReadOnlyList<ClosedTicketSample>> ListClosedTicketsAsync(IStorageTransaction transaction, DateTimeOffset closedSince, string? priority, CancellationToken cancellationToken = default);

    /// <summary>How many tickets that are not closed each owner holds (for least_open); owners without tickets are absent.</summary>
    Task<IReadOnlyDictionary<string, int>> CountOpenTicketsByOwnerAsync(IStorageTransaction transaction, CancellationToken cancellationToken = default);

    /// <summary>The round-robin position stored for a team (0 when none).</summary>
    Task<long> GetRoundRobinPositionAsync(IStorageTransaction transaction, string team, CancellationToken cancellationToken = default);

    /// <summary>Stores the round-robin position of a team.</summary>
    Task SetRoundRobinPositionAsync(IStorageTransaction transaction, string team, long position, CancellationToken cancellationToken = default);

    /// <summary>Logs an automatic reply to an address (RFC 3834 §2 rate limit).</summary>
    Task RecordAutoReplyAsync(IStorageTransaction transaction, string address, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>How many automatic replies went to the address (case-insensitive) at or after <paramref name="since"/>.</summary>
    Task<int> CountAutoRepliesAsync(IStorageTransaction transaction, string address, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>The counts of <see cref="CountAutoRepliesAsync(IStorageTransaction, string, DateTimeOffset, CancellationToken)"/> for several addresses at once (keys compare case-insensitively; an address with none is missing).</summary>
    Task<IReadOnlyDictionary<string, int>> CountAutoRepliesAsync(IStorageTransaction transaction, IReadOnlyCollection<string> addresses, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>How many tickets there are in each status, counted by the database (statuses without tickets are absent).</summary>
    Task<IReadOnlyDictionary<TicketStatus, int>> CountTicketsByStatusAsync(IStorageTransaction transaction, CancellationToken cancellationToken = default);
}
