using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TicketWorker.Observability;
using TicketWorker.Replies;

namespace TicketWorker.Hosting;

/// <summary>The long-running worker (<c>ticketworker run</c>): intake, outbox and the rules watcher; the scheduler joins when it is built.</summary>
public static partial class WorkerHost
{
    public static async Task<int> RunAsync(string configDirectory, CancellationToken cancellationToken)
    {
        var builder = TicketWorkerHost.CreateBuilder(configDirectory);
        builder.Logging.SetMinimumLevel(Environment.GetEnvironmentVariable("TICKETWORKER_LOG_LEVEL") is { } level
            && Enum.TryParse<LogLevel>(level, true, out var parsed) ? parsed : LogLevel.Information);
        // Under systemd (Type=notify, install/ticketworker.service): READY=1 once the host has started,
        // STOPPING=1 on shutdown. Outside systemd it does nothing.
        builder.Services.AddSystemd();
        // simple, json (TicketWorker:Logging:Format) or journald's format under systemd; after AddSystemd, which it overrides.
        builder.Logging.AddTicketWorkerConsole(builder.Configuration);
        using var host = await TicketWorkerHost.OpenAsync(builder, cancellationToken: cancellationToken).ConfigureAwait(false);
        // Broken templates do not stop the worker (the affected mails fail with the reason), but they are said at once.
        var startup = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TicketWorker.Startup");
        foreach (var problem in host.Services.GetRequiredService<TemplateRenderer>().Problems) Log.TemplateProblem(startup, problem.ToString());
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "template problem: {Problem}")]
        public static partial void TemplateProblem(ILogger logger, string problem);
    }
}
