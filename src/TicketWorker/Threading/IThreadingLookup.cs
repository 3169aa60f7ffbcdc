namespace TicketWorker.Threading;

/// <summary>The questions threading asks the ticket store.</summary>
public interface IThreadingLookup
{
    /// <summary>The ticket holding the first of these Message-IDs (inbound or outbound) that is stored, in the given order.</summary>
    Task<TicketRef?> FindTicketByMessageIdsAsync(IReadOnlyList<string> messageIds, CancellationToken cancellationToken);

    Task<TicketRef?> FindTicketByNumberAsync(long number, CancellationToken cancellationToken);

    /// <summary>True when the address took part in the ticket (From, To or Cc of any of its messages).</summary>
    Task<bool> IsParticipantAsync(long ticketId, string address, CancellationToken cancellationToken);

    /// <summary>The most recently active open (not closed) ticket of this customer with this normalized subject, active since <paramref name="since"/>.</summary>
    Task<TicketRef?> FindRecentOpenTicketAsync(string customerAddress, string normalizedSubject, DateTimeOffset since, CancellationToken cancellationToken);
}
