using System.Globalization;
using Microsoft.Extensions.Logging;
using TicketWorker.Classification;
using TicketWorker.Escalation;
using TicketWorker.Intake;
using TicketWorker.Mail.Reading;
using TicketWorker.Rules;
using TicketWorker.Storage;

namespace TicketWorker.Cli;

/// <summary>What <c>reprocess</c> did (or would do) to one ticket.</summary>
/// <param name="Number">The ticket.</param>
/// <param name="Subject">Its subject.</param>
/// <param name="Changes">One entry per changed field, e.g. <c>team: support → billing</c>; empty when the rules agree with the ticket.</param>
/// <param name="Skipped">Why the ticket was left alone (no stored raw mail, not routed mail), else null.</param>
/// <param name="Note">Something the admin should know but that changes nothing (a rule would ignore the mail now).</param>
public sealed record ReprocessResult(long Number, string Subject, IReadOnlyList<string> Changes, string? Skipped, string? Note)
{
    public bool Changed => Changes.Count > 0;
}

/// <summary>
/// Re-runs the current rules on stored tickets: the first inbound message's raw mail is read again,
/// classified and routed, and team, owner, priority, SLA policy and tags that differ are written (or,
/// in a dry run, only reported). A new team, priority or SLA policy moves the due times as on the live
/// path: the SLA clock recomputes them in the same transaction. One transaction per ticket; a dry run
/// rolls it back, so it shows the owner a round-robin team would pick and the due times that would
/// follow without moving anything.
/// </summary>
public sealed class Reprocessor(
    StorageDatabase database, ITicketStore tickets, ISlaStore slaStore, SlaClock slaClock, RawMailStore rawStore, IngestContext context, TimeProvider time,
    ILogger<RuleEngine> ruleLogger)
{
    public const string DecisionName = "reprocess";

    /// <summary>The tickets to re-run: one by number (any status), or those created since a time, or every ticket that is not closed.</summary>
    public async Task<IReadOnlyList<long>> SelectAsync(long? number, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        if (number is { } n) return [n];
        var all = await database.InReadAsync(tx => tickets.ListTicketsAsync(tx, null, cancellationToken), cancellationToken).ConfigureAwait(false);
        return all.Select(s => s.Ticket)
            .Where(t => since is { } from ? t.CreatedAt >= from : t.Status != TicketStatus.Closed)
            .Select(t => t.Number).OrderBy(x => x).ToList();
    }

    public async Task<ReprocessResult> RunAsync(long number, bool dryRun, CancellationToken cancellationToken)
    {
        var details = await database.InReadAsync(tx => tickets.GetTicketWithMessagesAsync(tx, number, cancellationToken), cancellationToken).ConfigureAwait(false)
                      ?? throw new UserErrorException($"there is no ticket {number}");
        var subject = details.Ticket.Subject;
        var first = details.Messages.FirstOrDefault(m => m.Direction == MessageDirection.Inbound);
        if (first?.RawReference is not { } reference) return new(number, subject, [], "no stored raw mail", null);

        ReadMessage message;
        try
        {
            await using var raw = await rawStore.OpenAsync(reference, cancellationToken).ConfigureAwait(false);
            message = await MessageReader.ReadAsync(raw, context.ReaderOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MessageReadException or IOException or StorageException)
        {
            return new(number, subject, [], $"raw mail {reference} cannot be read: {e.Message}", null);
        }

        var policy = context.Policy;
        var kind = context.Classifier().Classify(message).Kind;
        if (kind is not (MessageKind.Customer or MessageKind.List)) return new(number, subject, [], $"its first message is {kind.ToName()} mail, which rules do not route", null);

        // The rules see the mail as it arrived: business hours at its arrival, not now.
        var arrived = first.ReceivedAt;
        var engine = new RuleEngine(policy, ruleLogger);
        var outcome = engine.Evaluate(RuleInput.ForMessage(message, kind, policy.BusinessHours.Default?.IsOpen(arrived) ?? true));
        var note = outcome.Ignore ? $"rule '{outcome.IgnoredBy}' would ignore this mail now; the ticket is kept" : null;
        if (outcome.Ignore) return new(number, subject, [], null, note);

        await using var tx = await database.BeginAsync(cancellationToken).ConfigureAwait(false);
        var ticket = await tickets.FindTicketByIdAsync(tx, details.Ticket.Id, cancellationToken).ConfigureAwait(false)
                     ?? throw new UserErrorException($"ticket {number} was deleted meanwhile");
        var teamChanged = !string.Equals(outcome.Team, ticket.Team, StringComparison.OrdinalIgnoreCase);
        string? owner = ticket.Owner, how = null;
        if (outcome.Owner is not null) (owner, how) = (outcome.Owner, "set by rule");
        else if (teamChanged && outcome.Team is not null)
        {
            // A new team picks the owner as at intake (fixed, round robin, least open); the same team keeps the owner it has.
            var now = time.GetUtcNow();
            var assigned = await engine.AssignAsync(outcome, tx, tickets, policy.BusinessHours.Default?.Today(now) ?? DateOnly.FromDateTime(now.UtcDateTime), cancellationToken).ConfigureAwait(false);
            (owner, how) = (assigned.Owner, assigned.Decisions[^1].Action);
        }

        // Tags a rule added before are replaced by what the rules add now; tags from anywhere else stay.
        var decisions = await tickets.ListRuleDecisionsAsync(tx, ticket.Id, cancellationToken).ConfigureAwait(false);
        var ruleTags = decisions.Where(d => d.Action.StartsWith("tag+=", StringComparison.Ordinal)).Select(d => d.Action[5..]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var tags = ticket.Tags.Where(t => !ruleTags.Contains(t)).ToList();
        foreach (var t in outcome.Tags)
            if (!tags.Contains(t, StringComparer.OrdinalIgnoreCase)) tags.Add(t);

        // As at intake: a ticket no rule gives a policy has the default policy.
        var slaPolicy = outcome.Sla ?? policy.Sla.Default;

        var changes = new List<(string? Decision, string Text)>();
        if (teamChanged) changes.Add(($"team={outcome.Team ?? "none"}", $"team: {ticket.Team ?? "-"} → {outcome.Team ?? "-"}"));
        if (!string.Equals(owner, ticket.Owner, StringComparison.OrdinalIgnoreCase))
            changes.Add(($"owner={owner ?? "none"}", $"owner: {ticket.Owner ?? "-"} → {owner ?? "-"}{(how is null ? "" : $" ({how})")}"));
        if (!string.Equals(outcome.Priority, ticket.Priority, StringComparison.OrdinalIgnoreCase))
            changes.Add(($"priority={outcome.Priority}", $"priority: {ticket.Priority} → {outcome.Priority}"));
        if (!string.Equals(slaPolicy, ticket.SlaPolicy, StringComparison.OrdinalIgnoreCase))
            changes.Add(($"sla={slaPolicy ?? "none"}", $"sla: {ticket.SlaPolicy ?? "-"} → {slaPolicy ?? "-"}"));
        // What the SLA clock recomputes from (SlaClock.TicketChangedAsync); tags and owner leave the due times alone.
        var slaInputsChanged = changes.Count > 0 && changes.Any(c => c.Decision is { } d && (d.StartsWith("team=", StringComparison.Ordinal)
            || d.StartsWith("priority=", StringComparison.Ordinal) || d.StartsWith("sla=", StringComparison.Ordinal)));
        var added = tags.Where(t => !ticket.Tags.Contains(t, StringComparer.OrdinalIgnoreCase)).ToList();
        var removed = ticket.Tags.Where(t => !tags.Contains(t, StringComparer.OrdinalIgnoreCase)).ToList();
        foreach (var t in added) changes.Add(($"tag+={t}", $"tag +{t}"));
        foreach (var t in removed) changes.Add(($"tag-={t}", $"tag -{t}"));

        if (changes.Count == 0)
        {
            await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new(number, subject, [], null, note);
        }

        // Written in a dry run too, then rolled back: the due times shown are the ones the clock computes.
        var at = time.GetUtcNow();
        var updated = ticket with { Team = outcome.Team, Owner = owner, Priority = outcome.Priority, SlaPolicy = slaPolicy, Tags = tags, UpdatedAt = at };
        await tickets.UpdateTicketAsync(tx, updated, cancellationToken).ConfigureAwait(false);
        if (slaInputsChanged)
        {
            var before = await slaStore.GetSlaAsync(tx, ticket.Id, cancellationToken).ConfigureAwait(false) ?? new TicketSla();
            await slaClock.TicketChangedAsync(tx, ticket, updated, cancellationToken).ConfigureAwait(false);
            var after = await slaStore.GetSlaAsync(tx, ticket.Id, cancellationToken).ConfigureAwait(false) ?? new TicketSla();
            if (before.FirstResponseDueAt != after.FirstResponseDueAt && ticket.FirstResponseAt is null)
                changes.Add((null, $"first response due {Due(before.FirstResponseDueAt)} → {Due(after.FirstResponseDueAt)}"));
            if (before.ResolutionDueAt != after.ResolutionDueAt)
                changes.Add((null, $"resolution due {Due(before.ResolutionDueAt)} → {Due(after.ResolutionDueAt)}"));
        }

        if (dryRun)
        {
            await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new(number, subject, changes.Select(c => c.Text).ToList(), null, note);
        }

        foreach (var (decision, _) in changes)
        {
            if (decision is null) continue;
            await tickets.AddRuleDecisionAsync(tx, new RuleDecisionRecord { TicketId = ticket.Id, RuleName = DecisionName, Action = decision, DecidedAt = at }, cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new(number, subject, changes.Select(c => c.Text).ToList(), null, note);
    }

    private static string Due(DateTimeOffset? at) =>
        at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "none";
}
