using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using System.Text.Json;
using TicketWorker.Storage;

namespace TicketWorker.Cli;

/// <summary><c>ticketworker tickets list|show</c>.</summary>
public static class TicketsCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var json = new Option<bool>("--json") { Description = "machine-readable output" };
        var status = new Option<string?>("--status") { Description = "open, pending or closed" };
        var breached = new Option<bool>("--breached") { Description = "only tickets not closed whose first response or resolution is overdue" };
        var list = new Command("list", "list tickets, newest first") { status, breached, json };
        CommandHelp.Examples(list, "ticketworker tickets list", "ticketworker tickets list --status open", "ticketworker tickets list --breached",
            "ticketworker tickets list --json | jq '.[] | select(.priority == \"urgent\")'");
        list.SetAction((parse, ct) => CliApp.Guard(errors, async () =>
        {
            TicketStatus? filter = parse.GetValue(status) is { } s
                ? Enum.TryParse<TicketStatus>(s, ignoreCase: true, out var parsed) ? parsed : throw new UserErrorException($"unknown status '{s}' (use open, pending or closed)")
                : null;
            using var host = await CommandHost.OpenAsync(parse.GetValue(CliApp.ConfigOption)!, ct);
            var views = await host.Services.GetRequiredService<TicketReader>().ListAsync(filter, ct);
            if (parse.GetValue(breached))
            {
                var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToUniversalTime();
                var sla = host.Services.GetRequiredService<ISlaStore>();
                var overdue = (await host.Services.GetRequiredService<StorageDatabase>().InReadAsync(tx => sla.ListBreachedNumbersAsync(tx, now, ct), ct)).ToHashSet();
                views = views.Where(v => overdue.Contains(v.Number)).ToList();
            }
            if (parse.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(views, CliJson.Indented));
            else
            {
                await output.WriteLineAsync($"{"#",6}  {"status",-8} {"priority",-8} {"owner",-22} {"customer",-28} subject");
                foreach (var v in views)
                    await output.WriteLineAsync($"{v.Number,6}  {v.Status,-8} {v.Priority,-8} {Cut(v.Owner ?? "-", 22),-22} {Cut(v.Customer, 28),-28} {v.Subject}");
            }
            return CliApp.Ok;
        }));

        var number = new Argument<long>("N") { Description = "ticket number" };
        var saveTo = new Option<string?>("--save-attachments") { Description = "write the ticket's attachments (decoded from the stored mail) into this folder and print what was written", HelpName = "DIR" };
        var show = new Command("show", "one ticket with its messages") { number, json, saveTo };
        CommandHelp.Examples(show,
            "ticketworker tickets show 42",
            "ticketworker tickets show 42 --json | jq '.messages[].newText'",
            "ticketworker tickets show 42 --save-attachments ~/ticket-42");
        show.SetAction((parse, ct) => CliApp.Guard(errors, async () =>
        {
            var n = parse.GetValue(number);
            using var host = await CommandHost.OpenAsync(parse.GetValue(CliApp.ConfigOption)!, ct);
            if (parse.GetValue(saveTo) is { } directory) return await SaveAttachmentsAsync(host.Services, n, directory, parse.GetValue(json), output, ct);
            var view = await host.Services.GetRequiredService<TicketReader>().ShowAsync(n, ct)
                       ?? throw new UserErrorException($"there is no ticket {n}");
            if (parse.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(view, CliJson.Indented));
            else await WriteTextAsync(output, view);
            return CliApp.Ok;
        }));

        var tickets = new Command("tickets", "list and show tickets") { list, show };
        CommandHelp.Examples(tickets, "ticketworker tickets list", "ticketworker tickets show 42");
        return tickets;
    }

    private static async Task<int> SaveAttachmentsAsync(IServiceProvider services, long number, string directory, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        var database = services.GetRequiredService<StorageDatabase>();
        var store = services.GetRequiredService<ITicketStore>();
        var details = await database.InReadAsync(tx => store.GetTicketWithMessagesAsync(tx, number, cancellationToken), cancellationToken)
                      ?? throw new UserErrorException($"there is no ticket {number}");
        IReadOnlyList<SavedAttachment> saved;
        try { saved = await services.GetRequiredService<AttachmentSaver>().SaveAsync(details, directory, cancellationToken); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UserErrorException($"{directory}: {e.Message}", e); }
        if (json) { await output.WriteLineAsync(JsonSerializer.Serialize(saved, CliJson.Indented)); return CliApp.Ok; }
        foreach (var s in saved)
            await output.WriteLineAsync(s.Path is not null
                ? $"wrote {s.Path} ({s.Size:N0} bytes){(s.FileName is { } f && Path.GetFileName(s.Path) != f ? $" from \"{f}\"" : "")}"
                : $"skipped {s.FileName ?? "(no name)"}: {s.Skipped}");
        await output.WriteLineAsync($"ticket #{number}: {saved.Count(s => s.Path is not null)} attachment(s) written to {directory}{(saved.Count == 0 ? " (it has none)" : "")}");
        return CliApp.Ok;
    }

    private static async Task WriteTextAsync(TextWriter o, TicketDetailsView v)
    {
        await o.WriteLineAsync($"Ticket #{v.Number}: {v.Subject}");
        await o.WriteLineAsync($"  status {v.Status}, priority {v.Priority}, team {v.Team ?? "-"}, owner {v.Owner ?? "-"}, escalation level {v.EscalationLevel}");
        await o.WriteLineAsync($"  customer {v.Customer}{(v.CustomerName is null ? "" : $" ({v.CustomerName})")}, language {v.Language ?? "-"}, tags {(v.Tags.Count == 0 ? "-" : string.Join(", ", v.Tags))}");
        await o.WriteLineAsync($"  created {Time(v.CreatedAt)}, updated {Time(v.UpdatedAt)}, first response {Time(v.FirstResponseAt)}, closed {Time(v.ClosedAt)}");
        if (v.Estimate is { } e) await o.WriteLineAsync($"  estimate {Time(e.DueAt)} (from {e.Source}, {e.Samples} samples)");
        if (v.PreviousTicket is { } p) await o.WriteLineAsync($"  follows up ticket #{p}");
        foreach (var d in v.RuleDecisions) await o.WriteLineAsync($"  rule {d.Rule}: {d.Action}");
        foreach (var m in v.Messages)
        {
            await o.WriteLineAsync();
            await o.WriteLineAsync($"--- {m.Direction} {m.Kind} {Time(m.Date)} from {m.From}{(m.FromName is null ? "" : $" ({m.FromName})")}");
            if (m is { Direction: "outbound", Subject: null, Text: null, Status: "queued" })
            {
                // Queued as a recipe: the sender writes it just before it sends it (Outbox/IOutboxComposer).
                await o.WriteLineAsync("    (queued; subject and text are written when it is sent)");
                continue;
            }
            await o.WriteLineAsync($"    subject: {m.Subject}");
            foreach (var a in m.Attachments) await o.WriteLineAsync($"    attachment: {a.FileName ?? "(no name)"} {a.ContentType} {a.Size} bytes");
            // The new text first (what the writer added); the full text only when it says more.
            if (m.NewText is not null && m.NewText != m.Text?.ReplaceLineEndings("\n").Trim())
            {
                await o.WriteLineAsync("    new text:");
                await WriteIndentedAsync(o, m.NewText, "      ");
                await o.WriteLineAsync("    full text:");
                await WriteIndentedAsync(o, m.Text, "      ");
            }
            else await WriteIndentedAsync(o, m.Text, "    ");
        }
    }

    private static async Task WriteIndentedAsync(TextWriter o, string? text, string indent)
    {
        if (string.IsNullOrEmpty(text)) return;
        foreach (var line in text.ReplaceLineEndings("\n").TrimEnd().Split('\n')) await o.WriteLineAsync(indent + line);
    }

    private static string Time(DateTimeOffset? t) => t?.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "-";
    private static string Cut(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}
