using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace TicketWorker.Observability;

/// <summary>
/// The worker's console log: <c>simple</c> (one line per entry with a UTC timestamp), <c>json</c>
/// (one JSON object per line: timestamp, level, category, message and the structured values such as
/// Mailbox, Uid, Ticket) or <c>systemd</c> (journald's <c>&lt;N&gt;</c> priority prefixes, no timestamp: the
/// journal adds its own). Chosen by <c>TicketWorker:Logging:Format</c>, else systemd when stdout is
/// the journal or systemd started the worker, else simple.
/// </summary>
public static class LogFormatting
{
    public static readonly string[] Formats = ["simple", "json", "systemd"];

    /// <summary>
    /// The format to use, or null to leave the choice to <c>AddSystemd</c> (journald's when the parent
    /// process is systemd, else simple). <c>JOURNAL_STREAM</c> is set by systemd when stdout/stderr is
    /// the journal (systemd.exec(5)), which also covers <c>systemd-run</c> scopes and wrapper scripts
    /// that <c>AddSystemd</c> alone misses.
    /// </summary>
    public static string? Choose(string? configured, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrWhiteSpace(configured)) return configured.Trim().ToLowerInvariant();
        return string.IsNullOrEmpty(environment("JOURNAL_STREAM")) ? null : "systemd";
    }

    /// <summary>Adds the console logger with the chosen format. Call after <c>AddSystemd</c>, whose format choice this overrides.</summary>
    public static ILoggingBuilder AddTicketWorkerConsole(this ILoggingBuilder logging, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(configuration);
        var format = Choose(configuration["TicketWorker:Logging:Format"], Environment.GetEnvironmentVariable);
        logging.AddConsole();
        logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss "; o.UseUtcTimestamp = true; });
        logging.AddJsonConsole(o => { o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; o.UseUtcTimestamp = true; o.IncludeScopes = false; });
        logging.AddSystemdConsole(o => o.IncludeScopes = false);
        if (format is not null)
        {
            logging.Services.PostConfigure<ConsoleLoggerOptions>(o => o.FormatterName = format switch
            {
                "json" => ConsoleFormatterNames.Json,
                "systemd" => ConsoleFormatterNames.Systemd,
                _ => ConsoleFormatterNames.Simple,
            });
        }
        // Everything to stdout: journald and container runtimes take the priority from the entry, not the stream.
        logging.Services.PostConfigure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.None);
        return logging;
    }
}
