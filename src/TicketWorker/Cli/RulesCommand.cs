using System.CommandLine;
using System.Text.Json;
using TicketWorker.Classification;
using Microsoft.Extensions.DependencyInjection;
using TicketWorker.Hosting;
using TicketWorker.Mail.Reading;
using TicketWorker.Rules;

namespace TicketWorker.Cli;

/// <summary>
/// <c>ticketworker rules test FILE.eml [--json]</c>: a dry run of routing for one message: which rules
/// match and why, and the resulting team, owner, priority, tags, SLA and acknowledgement. Nothing is
/// stored; owners picked by round_robin or least_open depend on the database and are shown as the mode.
/// </summary>
public static class RulesCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var file = new Argument<string>("FILE") { Description = "a raw message (.eml)" };
        var json = new Option<bool>("--json") { Description = "print the result as JSON" };
        var test = new Command("test", "show which rules match a message and what they decide") { file, json };
        test.SetAction((parse, ct) => CliApp.Guard(errors, () =>
            TestAsync(parse.GetValue(CliApp.ConfigOption)!, parse.GetValue(file)!, parse.GetValue(json), output, TimeProvider.System, ct)));
        CommandHelp.Examples(test, "ticketworker rules test mail.eml", "ticketworker rules test mail.eml --json | jq .team");
        var rules = new Command("rules", "work with rules.yaml") { test };
        CommandHelp.Examples(rules, "ticketworker rules test mail.eml", "ticketworker reprocess --dry-run        # the rules against stored tickets");
        return rules;
    }

    /// <summary>Evaluates the rules of <paramref name="configDirectory"/> for the message in <paramref name="path"/>.</summary>
    public static async Task<int> TestAsync(string configDirectory, string path, bool json, TextWriter output, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) throw new UserErrorException($"{path}: file not found");
        // The worker's composition, built but not opened: rules test reads settings and rules, never the database.
        using var host = TicketWorkerHost.CreateBuilder(configDirectory).Build();
        var policy = host.Services.GetRequiredService<PolicyHolder>().Current;

        ReadMessage message;
        try { message = await MessageReader.ReadAsync(path, cancellationToken: cancellationToken); }
        catch (MessageReadException e) { throw new UserErrorException($"{path}: cannot parse the message: {e.Message}", e); }

        var classification = new MessageClassifier(a => policy.FindAgent(a) is not null).Classify(message);
        var now = time.GetUtcNow();
        var input = RuleInput.ForMessage(message, classification.Kind, policy.BusinessHours.Default?.IsOpen(now) ?? true);
        var outcome = new RuleEngine(policy).Evaluate(input);
        var team = policy.FindTeam(outcome.Team);
        var owner = outcome.Owner ?? (team?.Assign == AssignMode.Fixed ? team.Owner : null);
        var assignment = outcome.Owner is not null ? "set by rule"
            : team is null ? null
            : team.Assign switch
            {
                AssignMode.Fixed => "fixed (team owner)",
                AssignMode.RoundRobin => $"round_robin among {string.Join(", ", team.Members)} (picked at intake)",
                _ => $"least_open among {string.Join(", ", team.Members)} (picked at intake)",
            };
        var routed = classification.Kind is MessageKind.Customer or MessageKind.List;
        var ack = outcome.Ack is { } a ? a.ToString() : policy.Ack.Enabled ? $"default ({policy.Ack.Template})" : "default (off)";
        if (!routed || outcome.Ignore || classification.Kind == MessageKind.List) ack = "none (never acknowledged: " + (outcome.Ignore ? "ignored" : classification.Kind.ToName()) + ")";

        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                file = path,
                kind = classification.Kind.ToName(),
                classification = classification.Reason,
                routed,
                language = input.Language,
                businessHours = input.InBusinessHours,
                matches = outcome.Matches.Select(m => new { rule = m.Rule, reason = m.Reason, actions = m.Actions }),
                team = outcome.Team,
                owner,
                assignment,
                priority = outcome.Priority,
                vip = outcome.Vip,
                tags = outcome.Tags,
                sla = outcome.Sla,
                ack,
                ignore = outcome.Ignore,
                ignoredBy = outcome.IgnoredBy,
                decisions = outcome.Decisions.Select(d => new { rule = d.Rule, action = d.Action }),
            }, CliJson.Indented));
            return CliApp.Ok;
        }

        await output.WriteLineAsync($"{path}: {classification.Kind.ToName()} ({classification.Reason})");
        if (!routed) await output.WriteLineAsync($"  note: {classification.Kind.ToName()} mail opens no routed ticket; rules are shown for information");
        if (outcome.Matches.Count == 0) await output.WriteLineAsync("  no rule matched");
        foreach (var m in outcome.Matches)
            await output.WriteLineAsync($"  rule \"{m.Rule}\" matched: {m.Reason}{Environment.NewLine}    -> {(m.Actions.Count == 0 ? "(no action)" : string.Join(", ", m.Actions))}");
        if (outcome.Vip) await output.WriteLineAsync(outcome.PrioritySetByRule ? "  vip sender (priority set by a rule, not raised)" : $"  vip sender -> priority={outcome.Priority}");
        if (outcome.Ignore) await output.WriteLineAsync($"result: ignored by rule \"{outcome.IgnoredBy}\" (no ticket; kept as ignored)");
        else
        {
            await output.WriteLineAsync("result:");
            await output.WriteLineAsync($"  team:     {outcome.Team ?? "(none)"}");
            await output.WriteLineAsync($"  owner:    {owner ?? "(none)"}{(assignment is null ? "" : " — " + assignment)}");
            await output.WriteLineAsync($"  priority: {outcome.Priority}");
            await output.WriteLineAsync($"  tags:     {(outcome.Tags.Count == 0 ? "(none)" : string.Join(", ", outcome.Tags))}");
            await output.WriteLineAsync($"  sla:      {outcome.Sla ?? "(none)"}");
            await output.WriteLineAsync($"  ack:      {ack}");
        }
        return CliApp.Ok;
    }
}
