using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using TicketWorker.Storage;

namespace TicketWorker.Cli;

/// <summary>
/// <c>ticketworker health</c> for monitors (Nagios-style checks, systemd timers, cron): exit 0 and
/// "ok" when healthy, else exit 1 and one line per problem on stdout. Reads only; never migrates.
/// </summary>
public static class HealthCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var d = HealthThresholds.Default;
        var pollFactor = new Option<int>("--poll-factor")
        {
            Description = "a mailbox is late when its last successful poll (IDLE counts) is older than this many poll intervals, at least this many minutes",
            DefaultValueFactory = _ => d.PollFactor,
        };
        var outboxAge = new Option<TimeSpan>("--outbox-age")
        {
            Description = "the oldest due outbox message may wait this long, as hh:mm:ss",
            DefaultValueFactory = _ => d.OutboxAge,
        };
        var quarantine = new Option<int>("--quarantine-per-hour")
        {
            Description = "more messages quarantined in the last hour than this is a problem",
            DefaultValueFactory = _ => d.QuarantinePerHour,
        };
        var json = new Option<bool>("--json")
        {
            Description = "print {\"healthy\": true|false, \"problems\": [\"…\"]} instead of lines (same exit code)",
        };
        var command = new Command("health", "exit 0 when mailboxes are polled, the outbox moves and the quarantine is quiet; else exit 1 with the reasons")
        {
            pollFactor, outboxAge, quarantine, json,
        };
        command.SetAction((parse, ct) => CliApp.Guard(errors, async () =>
        {
            var thresholds = new HealthThresholds(parse.GetValue(pollFactor), parse.GetValue(outboxAge), parse.GetValue(quarantine));
            if (thresholds.PollFactor < 1 || thresholds.OutboxAge <= TimeSpan.Zero || thresholds.QuarantinePerHour < 0)
                throw new UserErrorException("--poll-factor must be at least 1, --outbox-age positive and --quarantine-per-hour not negative");
            IReadOnlyList<string> problems;
            try
            {
                using var host = await CommandHost.OpenAsync(parse.GetValue(CliApp.ConfigOption)!, ct, migrate: false);
                problems = await host.Services.GetRequiredService<HealthReader>().ReadAsync(thresholds, ct);
            }
            catch (Exception e) when (e is StorageException or System.Data.Common.DbException)
            {
                // An unreachable or unmigrated database is a health problem to report like the others, not a crash.
                problems = [$"database: {e.Message}"];
            }
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(new { Healthy = problems.Count == 0, Problems = problems }, CliJson.Line));
                return problems.Count == 0 ? CliApp.Ok : CliApp.UserError;
            }
            if (problems.Count == 0)
            {
                await output.WriteLineAsync("ok");
                return CliApp.Ok;
            }
            foreach (var p in problems) await output.WriteLineAsync(p);
            return CliApp.UserError;
        }));
        return command;
    }
}
