using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TicketWorker.Intake;
using TicketWorker.Outbox;

namespace TicketWorker.Hosting;

/// <summary>The long-running worker (<c>ticketworker run</c>): intake and outbox now; the scheduler joins when it is built.</summary>
public static class WorkerHost
{
    public static async Task<int> RunAsync(string configDirectory, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss "; });
        var minimum = Environment.GetEnvironmentVariable("TICKETWORKER_LOG_LEVEL") is { } level
            && Enum.TryParse<LogLevel>(level, true, out var parsed) ? parsed : LogLevel.Information;
        builder.Logging.SetMinimumLevel(minimum);
        // SIGTERM / Ctrl-C: the host cancels the services' tokens; loops finish the message in hand.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(minimum).AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss "; }));
        var runtime = await TicketWorkerRuntime.OpenAsync(configDirectory, loggers: loggers, cancellationToken: cancellationToken).ConfigureAwait(false);
        // Broken templates do not stop the worker (the affected mails fail with the reason), but they are said at once.
        var startup = loggers.CreateLogger("TicketWorker.Startup");
        foreach (var problem in runtime.Templates.Problems) startup.LogWarning("template problem: {Problem}", problem.ToString());
        builder.Services.AddSingleton(runtime);
        builder.Services.AddSingleton<WorkerIdentity>();
        builder.Services.AddHostedService<IntakeService>();
        builder.Services.AddHostedService<OutboxSenderService>();
        builder.Services.AddHostedService<Rules.PolicyWatcher>();
        using var host = builder.Build();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
