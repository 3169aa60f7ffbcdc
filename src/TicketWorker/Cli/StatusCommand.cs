using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TicketWorker.Storage;

namespace TicketWorker.Cli;

/// <summary><c>ticketworker status [--json]</c>: per mailbox connection and backlog; outbox queue and failures; quarantine.</summary>
public static class StatusCommand
{
    public sealed record MailboxStatus(string Name, string Address, string Folder, bool Connected, DateTimeOffset? LastPoll, long LastUid, long UidValidity, long? Backlog, string? LastError);
    public sealed record OutboxStatus(int Queued, int Sending, int Sent, int Failed);
    public sealed record WorkerStatus(IReadOnlyList<MailboxStatus> Mailboxes, OutboxStatus Outbox, int Quarantined, int OpenTickets)
    {
        /// <summary>SLA breaches of tickets not closed and the next due times (issue 14).</summary>
        public SlaFacts? Sla { get; init; }
    }

    public static Command Create(TextWriter output, TextWriter errors)
    {
        var json = new Option<bool>("--json") { Description = "machine-readable output" };
        var command = new Command("status", "mailboxes, outbox and quarantine at a glance") { json };
        command.SetAction((parse, ct) => CliApp.Guard(errors, async () =>
        {
            using var host = await CommandHost.OpenAsync(parse.GetValue(CliApp.ConfigOption)!, ct);
            var status = await host.Services.GetRequiredService<StatusReader>().ReadAsync(ct);

            if (parse.GetValue(json)) { await output.WriteLineAsync(JsonSerializer.Serialize(status, CliJson.Indented)); return CliApp.Ok; }
            foreach (var m in status.Mailboxes)
            {
                var poll = m.LastPoll?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "never";
                await output.WriteLineAsync($"mailbox {m.Name} ({m.Address}, {m.Folder}): {(m.Connected ? "connected" : "not connected")}, last poll {poll}, last UID {m.LastUid}, backlog {m.Backlog?.ToString(CultureInfo.InvariantCulture) ?? "-"}{(m.LastError is null ? "" : $", last error: {m.LastError}")}");
            }
            await output.WriteLineAsync($"outbox: {status.Outbox.Queued} queued, {status.Outbox.Sending} sending, {status.Outbox.Sent} sent, {status.Outbox.Failed} failed");
            await output.WriteLineAsync($"quarantine: {status.Quarantined} message(s)");
            await output.WriteLineAsync($"open tickets: {status.OpenTickets}");
            if (status.Sla is { } sla)
                await output.WriteLineAsync($"sla: {sla.FirstResponseBreached} first response(s) and {sla.ResolutionBreached} resolution(s) overdue; next first response due {Utc(sla.NextFirstResponseDue)}, next resolution due {Utc(sla.NextResolutionDue)}");
            return CliApp.Ok;
        }));
        return command;
    }

    private static string Utc(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "-";
}
