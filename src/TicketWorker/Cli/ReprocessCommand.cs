using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace TicketWorker.Cli;

/// <summary>
/// <c>ticketworker reprocess [--ticket N | --since DATE] [--dry-run] [--json]</c>: the current
/// rules.yaml applied to stored tickets (after a rules change), from each ticket's first message as stored.
/// </summary>
public static class ReprocessCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var ticket = new Option<long?>("--ticket") { Description = "only this ticket (any status)" };
        var since = new Option<string?>("--since") { Description = "tickets created at or after this UTC date or time (2026-03-01 or 2026-03-01T09:00), closed ones included" };
        var dryRun = new Option<bool>("--dry-run") { Description = "print what would change, write nothing" };
        var json = new Option<bool>("--json") { Description = "one JSON object per ticket" };
        var command = new Command("reprocess", "re-run the rules on stored tickets and apply changed team, owner, priority and tags (default: every ticket that is not closed)")
        {
            ticket, since, dryRun, json,
        };
        CommandHelp.Examples(command,
            "ticketworker reprocess --dry-run                 # what the edited rules.yaml would change on open and pending tickets",
            "ticketworker reprocess --since 2026-03-01        # apply it to every ticket created since March 1st",
            "ticketworker reprocess --ticket 42");
        command.SetAction((parse, ct) => CliApp.Guard(errors, async () =>
        {
            var number = parse.GetValue(ticket);
            var from = parse.GetValue(since) is { } s ? ParseSince(s) : (DateTimeOffset?)null;
            if (number is not null && from is not null) throw new UserErrorException("--ticket and --since exclude each other");
            var dry = parse.GetValue(dryRun);
            using var host = await CommandHost.OpenAsync(parse.GetValue(CliApp.ConfigOption)!, ct);
            var reprocessor = host.Services.GetRequiredService<Reprocessor>();
            var numbers = await reprocessor.SelectAsync(number, from, ct);
            int changed = 0, skipped = 0;
            using var progress = TerminalProgress.ForStandardError("tickets", errors);
            for (var i = 0; i < numbers.Count; i++)
            {
                var result = await reprocessor.RunAsync(numbers[i], dry, ct);
                progress.Report(i + 1, numbers.Count);
                if (result.Changed) changed++;
                if (result.Skipped is not null) skipped++;
                if (parse.GetValue(json)) { await output.WriteLineAsync(JsonSerializer.Serialize(result, CliJson.Line)); continue; }
                if (result.Skipped is not null) await output.WriteLineAsync($"#{result.Number}: skipped: {result.Skipped}");
                else if (result.Changed) await output.WriteLineAsync($"#{result.Number} {result.Subject}: {(dry ? "would change " : "")}{string.Join("; ", result.Changes)}");
                if (result.Note is not null) await output.WriteLineAsync($"#{result.Number}: note: {result.Note}");
            }
            progress.Done();
            if (!parse.GetValue(json))
                await output.WriteLineAsync($"{numbers.Count} ticket(s): {changed} {(dry ? "would change" : "changed")}, {numbers.Count - changed - skipped} unchanged, {skipped} skipped{(dry ? " (dry run: nothing written)" : "")}");
            return CliApp.Ok;
        }));
        return command;
    }

    private static DateTimeOffset ParseSince(string text)
    {
        string[] formats = ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK"];
        return DateTimeOffset.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw new UserErrorException($"--since '{text}': expected a date like 2026-03-01 or a time like 2026-03-01T09:00 (UTC)");
    }
}
