using TicketWorker.Storage;

namespace TicketWorker.Cli;

/// <summary>The tickets as <c>tickets list</c> and <c>tickets show</c> present them.</summary>
public sealed class TicketReader(StorageDatabase database, ITicketStore tickets)
{
    public async Task<IReadOnlyList<TicketView>> ListAsync(TicketStatus? status, CancellationToken cancellationToken)
    {
        var list = await database.InReadAsync(tx => tickets.ListTicketsAsync(tx, status, cancellationToken), cancellationToken).ConfigureAwait(false);
        return list.Select(t => TicketView.From(t.Ticket, t.MessageCount)).ToList();
    }

    /// <summary>One ticket with its messages, rule decisions and the ticket it follows up; null when there is none.</summary>
    public async Task<TicketDetailsView?> ShowAsync(long number, CancellationToken cancellationToken)
    {
        var (details, decisions, previous, checks) = await database.InReadAsync(async tx =>
        {
            var d = await tickets.GetTicketWithMessagesAsync(tx, number, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<RuleDecisionRecord> r = d is null ? [] : await tickets.ListRuleDecisionsAsync(tx, d.Ticket.Id, cancellationToken).ConfigureAwait(false);
            var p = d?.Ticket.PreviousTicketId is { } pid ? (await tickets.FindTicketByIdAsync(tx, pid, cancellationToken).ConfigureAwait(false))?.Number : null;
            // How each mail claiming an agent's From was checked (Agents, migration 004).
            IReadOnlyDictionary<string, string>? c = d is null ? null : await new Agents.AgentMessageRows(database).ListChecksAsync(tx, d.Ticket.Id, cancellationToken).ConfigureAwait(false);
            return (d, r, p, c);
        }, cancellationToken).ConfigureAwait(false);
        return details is null ? null : TicketDetailsView.From(details, decisions, previous, checks);
    }
}
