using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TicketWorker.Intake;

namespace TicketWorker.Hosting;

/// <summary>The long-running worker (<c>ticketworker run</c>): intake now; outbox and scheduler join as they are built.</summary>
public static class WorkerHost
{
    public static async Task<int> RunAsync(string configDirectory, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(Environment.GetEnvironmentVariable("TICKETWORKER_LOG_LEVEL") is { } level
            && Enum.TryParse<LogLevel>(level, true, out var parsed) ? parsed : LogLevel.Information);
        // SIGTERM / Ctrl-C: the host cancels the services' tokens; loops finish the message in hand.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss "; }));
        var runtime = await TicketWorkerRuntime.OpenAsync(configDirectory, loggers: loggers, cancellationToken: cancellationToken).ConfigureAwait(false);
        builder.Services.AddSingleton(runtime);
        builder.Services.AddSingleton<WorkerIdentity>();
        builder.Services.AddHostedService<IntakeService>();
        builder.Services.AddHostedService<Rules.PolicyWatcher>();
        using var host = builder.Build();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
