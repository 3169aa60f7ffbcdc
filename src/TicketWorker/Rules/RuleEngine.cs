using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TicketWorker.Storage;

namespace TicketWorker.Rules;

/// <summary>
/// Applies the policy's rules to a new message. Rules run in file order; every matching rule applies
/// its actions, a later rule overriding team, owner, priority, sla and ack set by an earlier one, tags
/// adding up; <c>stop: true</c> ends evaluation after its rule. A rule that sets a team without an
/// owner clears an owner set earlier. VIP senders get one step more priority unless a rule set it.
/// </summary>
public sealed partial class RuleEngine(SupportPolicy policy, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    // Round-robin positions this engine wrote in the transaction it last assigned in. Once written, the row is the
    // transaction's until it commits (SQLite's write lock, the row lock elsewhere), so it is not read again: one
    // SELECT less per new ticket of a batch. Another transaction starts from the stored position.
    private IStorageTransaction? _positionsOf;
    private readonly Dictionary<string, long> _positions = new(StringComparer.Ordinal);

    /// <summary>Evaluates the rules (pure: no store, no clock).</summary>
    public RuleOutcome Evaluate(RuleInput input)
    {
        var matches = new List<RuleMatch>();
        var decisions = new List<RuleDecision>();
        var tags = new List<string>();
        string? team = null, teamSetBy = null, owner = null, priority = null, sla = null, ignoredBy = null;
        AckDecision? ack = null;

        foreach (var rule in policy.Rules)
        {
            var reason = rule.When is null ? "always" : rule.When.Match(input, TimedOut);
            if (reason is null) continue;
            var then = rule.Then;
            var did = new List<string>();
            if (then.Team is not null)
            {
                team = then.Team;
                teamSetBy = rule.Name;
                if (then.Owner is null) owner = null;
                did.Add("team=" + team);
            }
            if (then.Owner is not null) { owner = then.Owner; did.Add("owner=" + owner); }
            if (then.Priority is not null) { priority = then.Priority; did.Add("priority=" + priority); }
            foreach (var tag in then.Tags)
                if (!tags.Contains(tag, StringComparer.OrdinalIgnoreCase)) { tags.Add(tag); did.Add("tag+=" + tag); }
            if (then.Sla is not null) { sla = then.Sla; did.Add("sla=" + sla); }
            if (then.Ack is not null) { ack = then.Ack; did.Add("ack=" + ack); }
            if (then.Ignore) { ignoredBy ??= rule.Name; did.Add("ignore"); }
            if (then.Stop) did.Add("stop");
            matches.Add(new RuleMatch(rule.Name, reason, did));
            decisions.AddRange(did.Select(a => new RuleDecision(rule.Name, a)));
            if (then.Stop) break;
        }

        var vip = policy.Vip.Contains(input.From);
        var final = priority ?? Priorities.Normal;
        if (vip && priority is null)
        {
            final = Priorities.Raise(Priorities.Normal);
            decisions.Add(new RuleDecision("vip", $"priority={final} (vip)"));
        }

        return new RuleOutcome
        {
            Matches = matches,
            Team = team,
            TeamSetBy = teamSetBy,
            Owner = owner,
            Priority = final,
            PrioritySetByRule = priority is not null,
            Vip = vip,
            Tags = tags,
            Sla = sla ?? policy.Sla.Default,
            Ack = ack,
            Ignore = ignoredBy is not null,
            IgnoredBy = ignoredBy,
            Decisions = decisions,
        };
    }

    /// <summary>
    /// Picks an owner when a team is set and no rule named one: fixed (team owner), round robin
    /// (position stored per team, agents away on <paramref name="today"/> skipped) or least open.
    /// Runs inside the ticket's transaction so concurrent intake sees each other's picks.
    /// </summary>
    public async Task<RuleOutcome> AssignAsync(RuleOutcome outcome, IStorageTransaction transaction, ITicketStore store, DateOnly today, CancellationToken cancellationToken = default)
    {
        if (outcome.Team is null || outcome.Owner is not null) return outcome;
        var team = policy.FindTeam(outcome.Team);
        if (team is null) return outcome;
        var available = team.Members.Where(m => policy.FindAgent(m)?.IsAwayOn(today) != true).ToList();
        string? owner = null;
        string mode;
        switch (team.Assign)
        {
            case AssignMode.Fixed:
                owner = team.Owner;
                mode = "fixed";
                break;
            case AssignMode.RoundRobin:
                mode = "round_robin";
                if (team.Members.Count == 0) break;
                if (!ReferenceEquals(_positionsOf, transaction))
                {
                    _positions.Clear();
                    _positionsOf = transaction;
                }
                var position = _positions.TryGetValue(team.Name, out var written)
                    ? written
                    : await store.GetRoundRobinPositionAsync(transaction, team.Name, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < team.Members.Count; i++)
                {
                    var index = (int)((position + i) % team.Members.Count);
                    if (!available.Contains(team.Members[index])) continue;
                    owner = team.Members[index];
                    await store.SetRoundRobinPositionAsync(transaction, team.Name, index + 1, cancellationToken).ConfigureAwait(false);
                    _positions[team.Name] = index + 1;
                    break;
                }
                break;
            default:
                mode = "least_open";
                if (available.Count == 0) break;
                var counts = await store.CountOpenTicketsByOwnerAsync(transaction, cancellationToken).ConfigureAwait(false);
                int Count(string m) => counts.FirstOrDefault(c => string.Equals(c.Key, m, StringComparison.OrdinalIgnoreCase)).Value;
                // MinBy keeps the first of equal counts: ties go by the order in the team.
                owner = available.MinBy(Count);
                break;
        }
        // Everyone away: the team owner (if any) holds the ticket rather than nobody.
        owner ??= team.Assign != AssignMode.Fixed ? team.Owner : null;
        var action = owner is null ? $"owner=none ({mode}: no available agent)" : $"owner={owner} ({mode})";
        return outcome with
        {
            Owner = owner,
            Decisions = [.. outcome.Decisions, new RuleDecision(outcome.TeamSetBy ?? "assignment", action)],
        };
    }

    private void TimedOut(FieldCondition condition) => Log.RegexTimedOut(_logger, condition.FieldName, condition.Values[0], FieldCondition.RegexTimeout.TotalMilliseconds);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Rule regex on {Field} /{Pattern}/ exceeded its {TimeoutMs} ms match timeout and counts as no match; simplify the pattern")]
        public static partial void RegexTimedOut(ILogger logger, string field, string pattern, double timeoutMs);
    }
}
