using TicketWorker.Storage;

namespace TicketWorker.Escalation;

/// <summary>
/// Keeps a ticket's SLA due times in step with what happens to it (issue 14, deliverable 3). Every
/// place that creates a ticket or changes its status or priority calls it inside the same
/// transaction: intake (new ticket, customer reply on a pending ticket), agent commands and replies,
/// escalation and auto-close.
/// CONTRACT STUB (lead, 2026-12-02): the SLA part fills in the bodies; callers rely only on the signatures.
/// </summary>
public sealed class SlaClock
{
    /// <summary>The ticket was just created: compute its first-response and resolution due times.</summary>
    public Task TicketCreatedAsync(IStorageTransaction tx, TicketRecord ticket, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The ticket changed from <paramref name="before"/> to <paramref name="after"/> (status, priority,
    /// team, first response): recompute due times on a priority or team change, pause while pending on
    /// the customer (when configured), resume when it leaves pending.
    /// </summary>
    public Task TicketChangedAsync(IStorageTransaction tx, TicketRecord before, TicketRecord after, CancellationToken cancellationToken) => Task.CompletedTask;
}
