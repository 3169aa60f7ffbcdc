using TicketWorker.Rules;
using TicketWorker.Storage;

namespace TicketWorker.Escalation;

/// <summary>
/// Keeps a ticket's SLA due times in step with what happens to it (issue 14, deliverable 3). Every
/// place that creates a ticket or changes its status or priority calls it inside the same
/// transaction: intake (new ticket, customer reply on a pending ticket), agent commands and replies,
/// escalation and auto-close.
/// </summary>
/// <remarks>
/// Due times are the SLA targets (per SLA policy and priority, on the team's calendar) from the
/// ticket's creation, pushed by the business time the clock was paused. With <c>sla.pause_pending</c>
/// (default on) the clock stops when the ticket goes pending and the paused business time is added
/// when it leaves pending. A priority, team or SLA-policy change recomputes from creation.
/// </remarks>
public sealed class SlaClock(PolicyHolder policy, ISlaStore store, TimeProvider time)
{
    /// <summary>
    /// The SLA times of a ticket about to be created, from its record (id and number are not used): its first-response
    /// and resolution due times and the escalation scan's first check, for <c>ITicketStore.CreateTicketAsync</c> to
    /// write in the ticket's INSERT.
    /// </summary>
    public TicketSla ForNewTicket(TicketRecord ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var calculator = new SlaCalculator(policy.Current);
        var sla = new TicketSla { PendingSince = ticket.Status == TicketStatus.Pending ? time.GetUtcNow().ToUniversalTime() : null };
        sla = WithDueTimes(calculator, ticket, sla);
        return sla with { EscalationCheckAt = calculator.NextCheck(ticket, sla, []) };
    }

    /// <summary>
    /// The ticket changed from <paramref name="before"/> to <paramref name="after"/> (status, priority,
    /// team, first response): recompute due times on a priority or team change, pause while pending on
    /// the customer (when configured), resume when it leaves pending.
    /// </summary>
    public async Task TicketChangedAsync(IStorageTransaction tx, TicketRecord before, TicketRecord after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var current = policy.Current;
        var calculator = new SlaCalculator(current);
        var sla = await store.GetSlaAsync(tx, after.Id, cancellationToken).ConfigureAwait(false) ?? new TicketSla();
        var now = time.GetUtcNow().ToUniversalTime();

        var wasPending = before.Status == TicketStatus.Pending;
        var isPending = after.Status == TicketStatus.Pending;
        if (isPending && !wasPending)
        {
            sla = sla with { PendingSince = now, SlaPausedAt = current.Sla.PausePending ? now : null };
        }
        else if (!isPending)
        {
            sla = sla with { PendingSince = null };
            if (sla.SlaPausedAt is { } pausedAt)
            {
                // Resumed: what stood still is the business time between pausing and now, on the ticket's calendar.
                var paused = calculator.CalendarOf(after.Team).BusinessTimeBetween(pausedAt, now);
                sla = sla with { SlaPausedAt = null, SlaPausedSeconds = sla.SlaPausedSeconds + (long)Math.Max(0, paused.TotalSeconds) };
            }
        }

        sla = WithDueTimes(calculator, after, sla);
        var fired = await store.ListFiredLevelsAsync(tx, after.Id, cancellationToken).ConfigureAwait(false);
        sla = sla with { EscalationCheckAt = calculator.NextCheck(after, sla, fired) };
        await store.SetSlaAsync(tx, after.Id, sla, cancellationToken).ConfigureAwait(false);
    }

    private static TicketSla WithDueTimes(SlaCalculator calculator, TicketRecord ticket, TicketSla sla)
    {
        var (first, resolution) = calculator.DueTimes(ticket, TimeSpan.FromSeconds(sla.SlaPausedSeconds));
        return sla with { FirstResponseDueAt = first, ResolutionDueAt = resolution };
    }
}
