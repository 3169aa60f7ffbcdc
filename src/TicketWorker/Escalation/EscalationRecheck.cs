using System.Globalization;
using TicketWorker.Rules;
using TicketWorker.Storage;

namespace TicketWorker.Escalation;

/// <summary>
/// After rules.yaml changed its escalation levels, recomputes the next escalation check of every open ticket whose
/// clock runs: a ticket past all the old levels has no check stored (null) and would never meet a level added later,
/// and a new earlier level must be looked at before the stored check. Each ticket in its own transaction, its row
/// locked first so the scan and another worker's recheck wait; writing the same value twice is harmless, so every
/// worker may run it.
/// </summary>
public sealed class EscalationRecheck(StorageDatabase database, ITicketStore tickets, ISlaStore sla, PolicyHolder policy)
{
    private readonly SqlRunner sql = new(database);

    /// <summary>Tickets read per query.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// The part of the escalation settings a ticket's next check depends on: each level's number, target and
    /// <c>after</c> (who is notified and what a level does are read when it fires).
    /// </summary>
    public static string LevelsKey(EscalationSettings escalation)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        return string.Join(";", escalation.Levels.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Level}|{l.Target}|{l.After}")));
    }

    /// <summary>Recomputes and stores the next check of every open, unpaused ticket under the policy in force; returns how many changed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var calculator = new SlaCalculator(policy.Current);
        var changed = 0;
        long after = 0;
        while (true)
        {
            IReadOnlyList<long> ids;
            await using (var read = await database.BeginReadOnlyAsync(cancellationToken).ConfigureAwait(false))
                ids = await sql.QueryAsync<long>(read,
                    $"SELECT {sql.Dialect.Top(BatchSize)} id FROM tickets WHERE status = 'open' AND sla_paused_at IS NULL AND id > @After ORDER BY id {sql.Dialect.Limit(BatchSize)}",
                    new { After = after }, cancellationToken).ConfigureAwait(false);
            foreach (var id in ids)
                if (await RecheckAsync(id, calculator, cancellationToken).ConfigureAwait(false)) changed++;
            if (ids.Count < BatchSize) break;
            after = ids[^1];
        }
        return changed;
    }

    private async Task<bool> RecheckAsync(long ticketId, SlaCalculator calculator, CancellationToken cancellationToken)
    {
        await using var tx = await database.BeginAsync(cancellationToken).ConfigureAwait(false);
        // Locked (as the scan does): what is read below is not about to change under us.
        if (!await tickets.LockTicketAsync(tx, ticketId, openOnly: true, cancellationToken).ConfigureAwait(false))
            return false;
        var ticket = await tickets.FindTicketByIdAsync(tx, ticketId, cancellationToken).ConfigureAwait(false);
        var state = await sla.GetSlaAsync(tx, ticketId, cancellationToken).ConfigureAwait(false);
        if (ticket is null || state is null) return false;
        var fired = await sla.ListFiredLevelsAsync(tx, ticketId, cancellationToken).ConfigureAwait(false);
        var next = calculator.NextCheck(ticket, state, fired);
        if (next == state.EscalationCheckAt) return false;
        await sla.SetSlaAsync(tx, ticketId, state with { EscalationCheckAt = next }, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
