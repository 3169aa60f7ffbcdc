using Microsoft.Extensions.Logging;
using TicketWorker.Hosting;

namespace TicketWorker.Cli;

/// <summary>Opens the runtime for a one-shot command: warnings and errors go to stderr, nothing else.</summary>
public static class CommandRuntime
{
    public static Task<TicketWorkerRuntime> OpenAsync(string configDirectory, CancellationToken cancellationToken) =>
        TicketWorkerRuntime.OpenAsync(configDirectory, loggers: LoggerFactory.Create(b => b
            .SetMinimumLevel(LogLevel.Warning)
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter((_, level) => level >= LogLevel.Warning)), cancellationToken: cancellationToken);
}
