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
        list.SetAction((parse, ct) => CliApp.Guard(errors, async () =>
        {
            using var host = await CommandHost.OpenAsync(parse.GetValue(CliApp.ConfigOption)!, ct);
            var database = host.Services.GetRequiredService<StorageDatabase>();
            var quarantine = host.Services.GetRequiredService<IQuarantineStore>();
            var items = await database.InReadAsync(tx => quarantine.ListAsync(tx, parse.GetValue(all), ct), ct);
            if (parse.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(items, CliJson.Indented));
            else foreach (var i in items) await output.WriteLineAsync(Line(i));
            return CliApp.Ok;
        }));

        var id = new Argument<long>("ID") { Description = "quarantine item id" };
        var show = new Command("show", "one quarantined message: reason and raw headers") { id, json };
        show.SetAction((parse, ct) => CliApp.Guard(errors, async () =>
        {
            using var host = await CommandHost.OpenAsync(parse.GetValue(CliApp.ConfigOption)!, ct);
            var database = host.Services.GetRequiredService<StorageDatabase>();
            var quarantine = host.Services.GetRequiredService<IQuarantineStore>();
            var item = await database.InReadAsync(tx => quarantine.GetAsync(tx, parse.GetValue(id), ct), ct)
                       ?? throw new UserErrorException($"there is no quarantine item {parse.GetValue(id)}");
            if (parse.GetValue(json)) { await output.WriteLineAsync(JsonSerializer.Serialize(item, CliJson.Indented)); return CliApp.Ok; }
            await output.WriteLineAsync(Line(item));
            await output.WriteLineAsync($"raw: {item.RawReference}");
            await output.WriteLineAsync();
            await using var raw = await host.Services.GetRequiredService<RawMailStore>().OpenAsync(item.RawReference, ct);
            using var reader = new StreamReader(raw, System.Text.Encoding.Latin1);
            // The header block only: the body may be huge or binary.
            for (var n = 0; n < 200 && await reader.ReadLineAsync(ct) is { Length: > 0 } line; n++) await output.WriteLineAsync(line);
            return CliApp.Ok;
        }));

        var ids = new Argument<long[]>("ID") { Description = "items to retry (all unresolved when none)", Arity = ArgumentArity.ZeroOrMore };
        var retry = new Command("retry", "run quarantined messages through the pipeline again") { ids };
        retry.SetAction((parse, ct) => CliApp.Guard(errors, async () =>
        {
            using var host = await CommandHost.OpenAsync(parse.GetValue(CliApp.ConfigOption)!, ct);
            var database = host.Services.GetRequiredService<StorageDatabase>();
            var quarantine = host.Services.GetRequiredService<IQuarantineStore>();
            var ingest = host.Services.GetRequiredService<IngestPipeline>();
            var time = host.Services.GetRequiredService<TimeProvider>();
            var wanted = parse.GetValue(ids) ?? [];
            var items = await database.InReadAsync(tx => quarantine.ListAsync(tx, includeResolved: false, ct), ct);
            if (wanted.Length > 0)
            {
                var missing = wanted.Except(items.Select(i => i.Id)).ToList();
                if (missing.Count > 0) throw new UserErrorException($"no unresolved quarantine item {string.Join(", ", missing)}");
                items = items.Where(i => wanted.Contains(i.Id)).ToList();
            }
            foreach (var item in items)
            {
                var reference = new RawMailReference(item.RawReference, item.RawSize, "");
                var result = await ingest.ProcessStoredAsync(reference, new IngestSource(item.Mailbox, item.Uid), ct, quarantineOnFailure: false);
                var resolved = result.Action != IngestResult.Quarantined;
                await database.InTransactionAsync(async tx =>
                {
                    await quarantine.MarkRetriedAsync(tx, item.Id, time.GetUtcNow(), resolved, resolved ? null : result.Reason, ct);
                    return 0;
                }, ct);
                await output.WriteLineAsync(JsonSerializer.Serialize(result with { Reason = $"quarantine {item.Id}: {result.Reason}" }, CliJson.Line));
            }
            return CliApp.Ok;
        }));

        return new Command("quarantine", "messages that could not be processed") { list, show, retry };
    }

    private static string Line(QuarantineItem i) =>
        $"{i.Id,5}  {i.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}  {(i.Resolved ? "resolved" : "open"),-8} {i.Mailbox ?? "-"}{(i.Uid is { } u ? $"#{u}" : "")}  {i.RawSize} bytes  {i.Reason}";
}
