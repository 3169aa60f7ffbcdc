using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TicketWorker.Storage;

namespace TicketWorker.Cli;

/// <summary><c>ticketworker status [--json]</c>: per mailbox connection, last poll, backlog and lease; outbox queue and failures; quarantine; tickets by status.</summary>
public static class StatusCommand
{
    /// <summary>One configured mailbox. <c>LeaseOwner</c>/<c>LeaseExpiresAt</c> name the worker holding it now (null when none does).</summary>
    public sealed record MailboxStatus(string Name, string Address, string Folder, bool Connected, DateTimeOffset? LastPoll, long LastUid, long UidValidity, long? Backlog, string? LastError)
    {
        public string? LeaseOwner { get; init; }
        public DateTimeOffset? LeaseExpiresAt { get; init; }
    }

    /// <summary>Outbox rows per status and the queued row waiting longest (null fields when nothing is queued).</summary>
    public sealed record OutboxStatus(int Queued, int Sending, int Sent, int Failed)
    {
        public long? OldestQueuedId { get; init; }
        public string? OldestQueuedKind { get; init; }
        public DateTimeOffset? OldestQueuedAt { get; init; }
        public string? OldestQueuedError { get; init; }
    }

    public sealed record TicketCounts(int Open, int Pending, int Closed);

    /// <summary>Everything <c>status --json</c> prints; field names are part of the interface (README "status").</summary>
    public sealed record WorkerStatus(IReadOnlyList<MailboxStatus> Mailboxes, OutboxStatus Outbox, int Quarantined, int OpenTickets)
    {
        public DateTimeOffset GeneratedAt { get; init; }
        public TicketCounts Tickets { get; init; } = new(0, 0, 0);
        /// <summary>SLA breaches of tickets not closed and the next due times (issue 14).</summary>
        public SlaFacts? Sla { get; init; }
    }

    public static Command Create(TextWriter output, TextWriter errors)
    {
        var json = new Option<bool>("--json") { Description = "machine-readable output (field names in the README, section \"status\")" };
        var command = new Command("status", "mailboxes, outbox, quarantine and tickets at a glance") { json };
        CommandHelp.Examples(command, "ticketworker status", "ticketworker status --json | jq '.outbox.failed'");
        command.SetAction((parse, ct) => CliApp.Guard(errors, async () =>
        {
            using var host = await CommandHost.OpenAsync(parse.GetValue(CliApp.ConfigOption)!, ct);
            var status = await host.Services.GetRequiredService<StatusReader>().ReadAsync(ct);
            if (parse.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(status, CliJson.Indented));
            else await WriteTextAsync(output, status);
            return CliApp.Ok;
        }));
        return command;
    }

    /// <summary>The readable form: a table of mailboxes, then one line each for outbox, quarantine and tickets.</summary>
    public static async Task WriteTextAsync(TextWriter output, WorkerStatus status)
    {
        var now = status.GeneratedAt;
        await output.WriteLineAsync("Mailboxes");
        var table = new TextTable("NAME", "ADDRESS", "FOLDER", "STATE", "LAST POLL", "BACKLOG", "LAST UID", "LEASE");
        foreach (var m in status.Mailboxes)
            table.Add(m.Name, m.Address, m.Folder, m.Connected ? "connected" : "not connected",
                m.LastPoll is { } p ? $"{Utc(p)} ({Ago(now - p)} ago)" : "never",
                m.Backlog?.ToString("N0", CultureInfo.InvariantCulture), m.LastUid.ToString(CultureInfo.InvariantCulture),
                m.LeaseOwner is null ? "free" : $"{m.LeaseOwner} until {Utc(m.LeaseExpiresAt!.Value)}");
        await table.WriteAsync(output, "  ");
        foreach (var m in status.Mailboxes.Where(m => m.LastError is { Length: > 0 }))
            await output.WriteLineAsync($"  {m.Name}: last error: {m.LastError}");

        var o = status.Outbox;
        var oldest = o.OldestQueuedAt is { } at
            ? $"; oldest queued: #{o.OldestQueuedId} ({o.OldestQueuedKind}) since {Utc(at)}, {Ago(now - at)}{(o.OldestQueuedError is { Length: > 0 } e ? ", last error: " + e : "")}"
            : "";
        await output.WriteLineAsync($"Outbox      {N(o.Queued)} queued, {N(o.Sending)} sending, {N(o.Sent)} sent, {N(o.Failed)} failed{oldest}");
        await output.WriteLineAsync($"Quarantine  {N(status.Quarantined)} message(s){(status.Quarantined > 0 ? " (ticketworker quarantine list)" : "")}");
        await output.WriteLineAsync($"Tickets     {N(status.Tickets.Open)} open, {N(status.Tickets.Pending)} pending, {N(status.Tickets.Closed)} closed");
        if (status.Sla is { } sla)
            await output.WriteLineAsync($"SLA         {N(sla.FirstResponseBreached)} first response(s) and {N(sla.ResolutionBreached)} resolution(s) overdue; next first response due {Utc(sla.NextFirstResponseDue)}, next resolution due {Utc(sla.NextResolutionDue)}");
    }

    private static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Utc(DateTimeOffset? t) => t is { } v ? Utc(v) : "-";

    private static string Ago(TimeSpan span) =>
        span < TimeSpan.Zero ? "0s"
        : span.TotalDays >= 1 ? $"{(int)span.TotalDays}d{span.Hours:00}h"
        : span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes:00}m"
        : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m{span.Seconds:00}s"
        : $"{(int)span.TotalSeconds}s";
}
