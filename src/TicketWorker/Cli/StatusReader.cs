using TicketWorker.Configuration;
using TicketWorker.Storage;
using static TicketWorker.Cli.StatusCommand;

namespace TicketWorker.Cli;

/// <summary>What <c>status</c> shows, read in one snapshot: each configured mailbox's checkpoint, the outbox, quarantine and open tickets.</summary>
public sealed class StatusReader(
    StorageDatabase database, IMailboxStateStore mailboxState, IOutboxStore outbox, IQuarantineStore quarantine, ITicketStore tickets, TicketWorkerOptions options,
    ISlaStore sla, TimeProvider time)
{
    public Task<WorkerStatus> ReadAsync(CancellationToken cancellationToken) => database.InReadAsync(async tx =>
    {
        var checkpoints = await mailboxState.ListCheckpointsAsync(tx, cancellationToken).ConfigureAwait(false);
        var mailboxes = options.Mailboxes.Select(m =>
        {
            var c = checkpoints.FirstOrDefault(x => x.Mailbox == m.Name && x.Folder == m.Folder);
            return new MailboxStatus(m.Name, m.Address, m.Folder, c?.Connected ?? false, c?.LastPollAt, c?.LastUid ?? 0, c?.UidValidity ?? 0, c?.Backlog, c?.LastError);
        }).ToList();
        var counts = await outbox.CountAsync(tx, cancellationToken).ConfigureAwait(false);
        var quarantined = await quarantine.CountAsync(tx, cancellationToken).ConfigureAwait(false);
        var open = (await tickets.ListTicketsAsync(tx, TicketStatus.Open, cancellationToken).ConfigureAwait(false)).Count;
        var facts = await sla.GetSlaFactsAsync(tx, time.GetUtcNow().ToUniversalTime(), cancellationToken).ConfigureAwait(false);
        return new WorkerStatus(mailboxes, new StatusCommand.OutboxStatus(counts.Queued, counts.Sending, counts.Sent, counts.Failed), quarantined, open) { Sla = facts };
    }, cancellationToken);
}
