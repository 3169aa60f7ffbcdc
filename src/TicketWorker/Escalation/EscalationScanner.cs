using System.Globalization;
using Microsoft.Extensions.Logging;
using TicketWorker.Hosting;
using TicketWorker.Replies;
using TicketWorker.Rules;
using TicketWorker.Storage;

namespace TicketWorker.Escalation;

/// <summary>
/// One pass of escalation and auto-close (issue 14, deliverable 4), run by <see cref="EscalationScanJob"/>.
/// Candidates come from indexes (<c>escalation_check_at</c>, <c>pending_since</c>); each ticket is then
/// handled in its own transaction that first locks its row, so two workers never both act on it, and
/// each level is recorded under a unique (ticket, level) key in the same transaction as its actions.
/// </summary>
public sealed partial class EscalationScanner(
    StorageDatabase database, ITicketStore tickets, ISlaStore sla, PolicyHolder policy, SlaClock clock, EscalationMail mail,
    WorkerIdentity worker, TimeProvider time, ILogger<EscalationScanner> logger)
{
    /// <summary>Tickets read per query; the pass repeats until a query returns fewer.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Escalates every ticket with a level due now and closes every pending ticket silent for <c>auto_close_pending</c>.</summary>
    public async Task<EscalationScanResult> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().ToUniversalTime();
        var current = policy.Current;
        var calculator = new SlaCalculator(current);
        var levels = 0;
        var escalated = 0;
        var seen = new HashSet<long>();
        while (true)
        {
            IReadOnlyList<long> due;
            await using (var read = await database.BeginReadOnlyAsync(cancellationToken).ConfigureAwait(false))
                due = await sla.ListEscalationDueAsync(read, now, BatchSize, cancellationToken).ConfigureAwait(false);
            var fresh = due.Where(seen.Add).ToList();
            foreach (var id in fresh)
            {
                var fired = await EscalateAsync(id, now, calculator, cancellationToken).ConfigureAwait(false);
                levels += fired;
                if (fired > 0) escalated++;
            }
            // A ticket another worker holds keeps its check until that worker commits: never loop on it.
            if (due.Count < BatchSize || fresh.Count == 0) break;
        }

        var closed = 0;
        if (current.Escalation.AutoClosePending is { } silence)
        {
            var cutoff = now - silence;
            while (true)
            {
                IReadOnlyList<(long TicketId, DateTimeOffset PendingSince)> due;
                await using (var read = await database.BeginReadOnlyAsync(cancellationToken).ConfigureAwait(false))
                    due = await sla.ListAutoCloseDueAsync(read, cutoff, BatchSize, cancellationToken).ConfigureAwait(false);
                var progress = 0;
                foreach (var (id, since) in due)
                {
                    if (await CloseAsync(id, since, now, cancellationToken).ConfigureAwait(false)) { closed++; progress++; }
                }
                if (due.Count < BatchSize || progress == 0) break;
            }
        }

        if (levels > 0 || closed > 0) Log.Scanned(logger, escalated, levels, closed);
        return new EscalationScanResult(escalated, levels, closed);
    }

    // Fires the levels of one ticket that are due; returns how many fired here.
    private async Task<int> EscalateAsync(long ticketId, DateTimeOffset now, SlaCalculator calculator, CancellationToken cancellationToken)
    {
        await using var tx = await database.BeginAsync(cancellationToken).ConfigureAwait(false);
        if (!await sla.LockDueTicketAsync(tx, ticketId, now, cancellationToken).ConfigureAwait(false)) return 0;
        var ticket = await tickets.FindTicketByIdAsync(tx, ticketId, cancellationToken).ConfigureAwait(false);
        var state = await sla.GetSlaAsync(tx, ticketId, cancellationToken).ConfigureAwait(false);
        if (ticket is null || state is null) return 0;
        var fired = (await sla.ListFiredLevelsAsync(tx, ticketId, cancellationToken).ConfigureAwait(false)).ToHashSet();
        var before = ticket;
        var count = 0;
        var firedHere = new List<int>();

        if (ticket.Status == TicketStatus.Open && state.SlaPausedAt is null)
        {
            foreach (var level in calculator.Policy.Escalation.Levels)
            {
                if (fired.Contains(level.Level)) continue;
                if (calculator.FireTime(level, ticket, state) is not { } at || at > now) continue;
                var reason = Reason(level, ticket, state, calculator);
                if (!await sla.RecordEscalationAsync(tx, ticketId, level.Level, now, worker.Id, reason, cancellationToken).ConfigureAwait(false)) continue;
                fired.Add(level.Level);
                firedHere.Add(level.Level);
                count++;
                ticket = await ApplyAsync(tx, ticket, level, reason, calculator.Policy, now, cancellationToken).ConfigureAwait(false);
                Log.Fired(logger, ticket.Number, level.Level, reason);
            }
        }

        if (ticket != before)
        {
            await tickets.UpdateTicketAsync(tx, ticket, cancellationToken).ConfigureAwait(false);
            // Priority or team changed: new due times; the next check follows from them and the levels left.
            await clock.TicketChangedAsync(tx, before, ticket, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await sla.SetSlaAsync(tx, ticketId, state with { EscalationCheckAt = calculator.NextCheck(ticket, state, fired) }, cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        // Counted once committed: a rolled-back level did not fire.
        foreach (var l in firedHere) Observability.TicketWorkerMetrics.Escalated(l);
        return count;
    }

    private async Task<TicketRecord> ApplyAsync(Storage.IStorageTransaction tx, TicketRecord ticket, EscalationLevel level, string reason, SupportPolicy current,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Notified as the ticket stood when the level fired (the owner who missed it, not the new one).
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        foreach (var agent in Recipients(current, ticket, level.Notify, today))
            await mail.QueueEscalationAsync(tx, ticket, level.Level, reason, agent, cancellationToken).ConfigureAwait(false);

        var changed = ticket with { EscalationLevel = Math.Max(ticket.EscalationLevel, level.Level), UpdatedAt = now };
        if (level.RaisePriority) changed = changed with { Priority = Priorities.Raise(changed.Priority) };
        if (level.ReassignTeam is { } teamName && current.FindTeam(teamName) is { } team)
            changed = await ReassignToTeamAsync(tx, changed, team, level.Level, current, now, cancellationToken).ConfigureAwait(false);
        if (level.ReassignAgent is { } agentEmail) changed = changed with { Owner = agentEmail.ToLowerInvariant() };
        if (level.Tags.Count > 0)
            changed = changed with { Tags = [.. changed.Tags.Concat(level.Tags).Distinct(StringComparer.OrdinalIgnoreCase)] };
        return changed;
    }

    /// <summary>
    /// The ticket handed to <paramref name="team"/>, its owner picked by the team's <c>assign:</c> mode exactly as for a
    /// new ticket (fixed owner, round robin with the stored position, least open; agents away skipped), the pick recorded
    /// among the ticket's rule decisions. Nobody available and no team owner: the ticket waits in the team unowned.
    /// </summary>
    private async Task<TicketRecord> ReassignToTeamAsync(Storage.IStorageTransaction tx, TicketRecord ticket, Team team, int level, SupportPolicy current,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = current.BusinessHours.Default?.Today(now) ?? DateOnly.FromDateTime(now.UtcDateTime);
        var by = $"escalation level {level}";
        var picked = await new RuleEngine(current).AssignAsync(new RuleOutcome { Team = team.Name, TeamSetBy = by }, tx, tickets, today, cancellationToken)
            .ConfigureAwait(false);
        foreach (var d in picked.Decisions)
            await tickets.AddRuleDecisionAsync(tx, new RuleDecisionRecord { TicketId = ticket.Id, RuleName = d.Rule, Action = $"team={team.Name}, {d.Action}", DecidedAt = now },
                cancellationToken).ConfigureAwait(false);
        return ticket with { Team = team.Name, Owner = picked.Owner };
    }

    /// <summary>The agents a level tells: the owner, the team's lead, the team's members (not away, each once).</summary>
    public static IReadOnlyList<Agent> Recipients(SupportPolicy policy, TicketRecord ticket, IReadOnlyList<string> notify, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(notify);
        var team = policy.FindTeam(ticket.Team);
        var agents = new List<Agent>();
        foreach (var who in notify)
        {
            switch (who)
            {
                case "owner":
                    if (policy.FindAgent(ticket.Owner) is { } owner) agents.Add(owner);
                    break;
                case "lead":
                    if (policy.FindAgent(team?.Lead) is { } lead) agents.Add(lead);
                    break;
                case "team":
                    agents.AddRange((team?.Members ?? []).Select(policy.FindAgent).OfType<Agent>());
                    break;
            }
        }
        return agents.Where(a => !a.IsAwayOn(today)).DistinctBy(a => a.Email, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static string Reason(EscalationLevel level, TicketRecord ticket, TicketSla state, SlaCalculator calculator)
    {
        var firstResponse = ticket.FirstResponseAt is null ? state.FirstResponseDueAt : null;
        var (what, due) = level.Target switch
        {
            EscalationTarget.FirstResponse => ("first response", firstResponse),
            EscalationTarget.Resolution => ("resolution", state.ResolutionDueAt),
            _ => firstResponse is { } f && (state.ResolutionDueAt is not { } r || f <= r) ? ("first response", firstResponse) : ("resolution", state.ResolutionDueAt),
        };
        var calendar = calculator.CalendarOf(ticket.Team);
        var local = due is { } d ? calendar.ToLocal(d).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + calendar.TimeZoneId : "?";
        return $"{what} was due {local}" + (level.After.Days == 0 && level.After.Time == TimeSpan.Zero ? "" : $" ({level.After} ago)");
    }

    private async Task<bool> CloseAsync(long ticketId, DateTimeOffset pendingSince, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var tx = await database.BeginAsync(cancellationToken).ConfigureAwait(false);
        var before = await tickets.FindTicketByIdAsync(tx, ticketId, cancellationToken).ConfigureAwait(false);
        if (before is null || !await sla.CloseIfStillPendingAsync(tx, ticketId, pendingSince, now, cancellationToken).ConfigureAwait(false)) return false;
        var closed = before with { Status = TicketStatus.Closed, ClosedAt = now, UpdatedAt = now };
        await clock.TicketChangedAsync(tx, before, closed, cancellationToken).ConfigureAwait(false);
        await mail.QueueClosedAsync(tx, closed, pendingSince, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.AutoClosed(logger, closed.Number);
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Ticket {Ticket} escalated to level {Level}: {Reason}")]
        public static partial void Fired(ILogger logger, long ticket, int level, string reason);

        [LoggerMessage(2, LogLevel.Information, "Ticket {Ticket} closed after waiting on the customer")]
        public static partial void AutoClosed(ILogger logger, long ticket);

        [LoggerMessage(3, LogLevel.Information, "Escalation scan: {Tickets} ticket(s) escalated ({Levels} level(s)), {Closed} closed")]
        public static partial void Scanned(ILogger logger, int tickets, int levels, int closed);
    }
}
