using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TicketWorker.Intake;
using TicketWorker.Storage;

namespace TicketWorker.Cli;

/// <summary><c>ticketworker quarantine list|show|retry</c>: messages that could not be processed.</summary>
public static class QuarantineCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var json = new Option<bool>("--json") { Description = "machine-readable output" };
        var all = new Option<bool>("--all") { Description = "include resolved items" };
        var list = new Command("list", "quarantined messages with their reasons") { all, json };
        CommandHelp.Examples(list, "ticketworker quarantine list", "ticketworker quarantine list --all --json");
        list.SetAction((parse, ct) => CliApp.Guard(errors, async () =>
        {
            using var host = await CommandHost.OpenAsync(parse.GetValue(CliApp.ConfigOption)!, ct);
            var desk = host.Services.GetRequiredService<QuarantineDesk>();
            var items = await desk.ListAsync(parse.GetValue(all), ct);
            if (parse.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(items, CliJson.Indented));
            else foreach (var i in items) await output.WriteLineAsync(Line(i));
            return CliApp.Ok;
        }));

        var id = new Argument<long>("ID") { Description = "quarantine item id" };
        var show = new Command("show", "one quarantined message: reason and raw headers") { id, json };
        CommandHelp.Examples(show, "ticketworker quarantine show 7");
        show.SetAction((parse, ct) => CliApp.Guard(errors, async () =>
        {
            using var host = await CommandHost.OpenAsync(parse.GetValue(CliApp.ConfigOption)!, ct);
            var desk = host.Services.GetRequiredService<QuarantineDesk>();
            var item = await desk.GetAsync(parse.GetValue(id), ct)
                       ?? throw new UserErrorException($"there is no quarantine item {parse.GetValue(id)}");
            if (parse.GetValue(json)) { await output.WriteLineAsync(JsonSerializer.Serialize(item, CliJson.Indented)); return CliApp.Ok; }
            await output.WriteLineAsync(Line(item));
            await output.WriteLineAsync($"raw: {item.RawReference}");
            await output.WriteLineAsync();
            await using var raw = await desk.OpenRawAsync(item, ct);
            using var reader = new StreamReader(raw, System.Text.Encoding.Latin1);
            // The header block only: the body may be huge or binary.
            for (var n = 0; n < 200 && await reader.ReadLineAsync(ct) is { Length: > 0 } line; n++) await output.WriteLineAsync(line);
            return CliApp.Ok;
        }));

        var ids = new Argument<long[]>("ID") { Description = "items to retry (all unresolved when none)", Arity = ArgumentArity.ZeroOrMore };
        var retry = new Command("retry", "run quarantined messages through the pipeline again") { ids };
        CommandHelp.Examples(retry, "ticketworker quarantine retry 7 8", "ticketworker quarantine retry            # every unresolved item");
        retry.SetAction((parse, ct) => CliApp.Guard(errors, async () =>
        {
            using var host = await CommandHost.OpenAsync(parse.GetValue(CliApp.ConfigOption)!, ct);
            var desk = host.Services.GetRequiredService<QuarantineDesk>();
            var wanted = parse.GetValue(ids) ?? [];
            var items = await desk.ListAsync(includeResolved: false, ct);
            if (wanted.Length > 0)
            {
                var missing = wanted.Except(items.Select(i => i.Id)).ToList();
                if (missing.Count > 0) throw new UserErrorException($"no unresolved quarantine item {string.Join(", ", missing)}");
                items = items.Where(i => wanted.Contains(i.Id)).ToList();
            }
            foreach (var item in items)
            {
                var result = await desk.RetryAsync(item, ct);
                await output.WriteLineAsync(JsonSerializer.Serialize(result with { Reason = $"quarantine {item.Id}: {result.Reason}" }, CliJson.Line));
            }
            return CliApp.Ok;
        }));

        var quarantine = new Command("quarantine", "messages that could not be processed") { list, show, retry };
        CommandHelp.Examples(quarantine, "ticketworker quarantine list", "ticketworker quarantine show 7", "ticketworker quarantine retry 7");
        return quarantine;
    }

    private static string Line(QuarantineItem i) =>
        $"{i.Id,5}  {i.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}  {(i.Resolved ? "resolved" : "open"),-8} {i.Mailbox ?? "-"}{(i.Uid is { } u ? $"#{u}" : "")}  {i.RawSize} bytes  {i.Reason}";
}
