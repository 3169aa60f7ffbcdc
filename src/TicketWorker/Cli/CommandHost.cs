using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TicketWorker.Hosting;

namespace TicketWorker.Cli;

/// <summary>The worker's host for a one-shot command: nothing started, and only warnings and errors logged, to stderr (stdout is the command's output).</summary>
public static class CommandHost
{
    public static Task<IHost> OpenAsync(string configDirectory, CancellationToken cancellationToken, bool migrate = true)
    {
        var builder = TicketWorkerHost.CreateBuilder(configDirectory);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddCommands();
        return TicketWorkerHost.OpenAsync(builder, migrate, cancellationToken);
    }
}
