using TicketWorker.Storage;
using TicketWorker.Threading;

namespace TicketWorker.Tickets;

/// <summary>Answers threading's questions from the ticket store inside the current transaction.</summary>
internal sealed class StoreThreadingLookup(ITicketStore tickets, IStorageTransaction tx) : IThreadingLookup
{
    public async Task<TicketRef?> FindTicketByMessageIdsAsync(IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        var found = await tickets.FindTicketIdsByMessageIdsAsync(tx, messageIds, cancellationToken).ConfigureAwait(false);
        foreach (var id in messageIds)
            if (found.TryGetValue(id, out var ticketId))
                return Ref(await tickets.FindTicketByIdAsync(tx, ticketId, cancellationToken).ConfigureAwait(false));
        return null;
    }

    public async Task<TicketRef?> FindTicketByNumberAsync(long number, CancellationToken cancellationToken) =>
        Ref(await tickets.FindTicketByNumberAsync(tx, number, cancellationToken).ConfigureAwait(false));

    public Task<bool> IsParticipantAsync(long ticketId, string address, CancellationToken cancellationToken) =>
        tickets.IsParticipantAsync(tx, ticketId, address, cancellationToken);

    public async Task<TicketRef?> FindRecentOpenTicketAsync(string customerAddress, string normalizedSubject, DateTimeOffset since, CancellationToken cancellationToken) =>
        Ref(await tickets.FindRecentOpenTicketBySenderAndSubjectAsync(tx, customerAddress, normalizedSubject, since, cancellationToken).ConfigureAwait(false));

    private static TicketRef? Ref(TicketRecord? t) =>
        t is null ? null : new TicketRef(t.Id, t.Number, t.Status.ToString().ToLowerInvariant(), t.UpdatedAt, t.ClosedAt);
}
