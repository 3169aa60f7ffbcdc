using TicketWorker.Configuration;
using TicketWorker.Storage;
using static TicketWorker.Cli.StatusCommand;

namespace TicketWorker.Cli;

/// <summary>What <c>status</c> shows, read in one snapshot: each configured mailbox's checkpoint and lease, the outbox, quarantine and tickets by status.</summary>
public sealed class StatusReader(
    StorageDatabase database, IMailboxStateStore mailboxState, IOutboxStore outbox, IQuarantineStore quarantine, ITicketStore tickets, TicketWorkerOptions options,
    ISlaStore sla, TimeProvider time)
{
    public Task<WorkerStatus> ReadAsync(CancellationToken cancellationToken) => database.InReadAsync(async tx =>
    {
        var now = time.GetUtcNow();
        var checkpoints = await mailboxState.ListCheckpointsAsync(tx, cancellationToken).ConfigureAwait(false);
        var mailboxes = new List<MailboxStatus>(options.Mailboxes.Count);
        foreach (var m in options.Mailboxes)
        {
            var c = checkpoints.FirstOrDefault(x => x.Mailbox == m.Name && x.Folder == m.Folder);
            var lease = await mailboxState.GetLeaseAsync(tx, m.Name, cancellationToken).ConfigureAwait(false);
            // An expired lease is history, not a holder: any worker may take the mailbox now.
            var held = lease is { } l && l.ExpiresAt > now ? lease : null;
            mailboxes.Add(new MailboxStatus(m.Name, m.Address, m.Folder, c?.Connected ?? false, c?.LastPollAt, c?.LastUid ?? 0, c?.UidValidity ?? 0, c?.Backlog, c?.LastError)
            {
                LeaseOwner = held?.Owner,
                LeaseExpiresAt = held?.ExpiresAt,
            });
        }

        var counts = await outbox.CountAsync(tx, cancellationToken).ConfigureAwait(false);
        // Rows are listed by id, so the first queued row is the one waiting longest.
        var oldest = (await outbox.ListAsync(tx, Storage.OutboxStatus.Queued, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        var quarantined = await quarantine.CountAsync(tx, cancellationToken).ConfigureAwait(false);
        var byStatus = await tickets.CountTicketsByStatusAsync(tx, cancellationToken).ConfigureAwait(false);
        var ticketCounts = new TicketCounts(byStatus.GetValueOrDefault(TicketStatus.Open), byStatus.GetValueOrDefault(TicketStatus.Pending), byStatus.GetValueOrDefault(TicketStatus.Closed));
        var facts = await sla.GetSlaFactsAsync(tx, now.ToUniversalTime(), cancellationToken).ConfigureAwait(false);
        return new WorkerStatus(mailboxes, new StatusCommand.OutboxStatus(counts.Queued, counts.Sending, counts.Sent, counts.Failed)
        {
            OldestQueuedId = oldest?.Id,
            OldestQueuedKind = oldest?.Kind,
            OldestQueuedAt = oldest?.CreatedAt,
            OldestQueuedError = oldest?.LastError,
        }, quarantined, ticketCounts.Open)
        {
            GeneratedAt = now,
            Tickets = ticketCounts,
            Sla = facts,
        };
    }, cancellationToken);
}
