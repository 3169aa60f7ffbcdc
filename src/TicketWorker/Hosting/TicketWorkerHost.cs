using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TicketWorker.Agents.Verification;
using TicketWorker.Agents;
using TicketWorker.Cli;
using TicketWorker.Configuration;
using TicketWorker.Digest;
using TicketWorker.Escalation;
using TicketWorker.Intake;
using TicketWorker.Mail;
using TicketWorker.Observability;
using TicketWorker.Outbox;
using TicketWorker.Replies;
using TicketWorker.Rules;
using TicketWorker.Storage;

namespace TicketWorker.Hosting;

/// <summary>
/// The one composition of TicketWorker: the worker (<c>run</c>), every command and the tests build
/// this host; they differ only in logging, in overrides (tests: a fake clock) and in whether the
/// hosted services are started (only <c>run</c> starts them).
/// </summary>
public static class TicketWorkerHost
{
    /// <summary>
    /// A host builder on <paramref name="configDirectory"/>: <c>appsettings.json</c> + environment
    /// through the host's configuration, and every feature registered. No log provider yet: the
    /// worker and the commands add theirs (tests none).
    /// Throws <see cref="ConfigException"/> when the folder is missing or the file is not JSON.
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(string configDirectory)
    {
        // No defaults: they would add appsettings.json of the current folder, command-line arguments and
        // DOTNET_ variables; the config folder and TicketWorker__ variables are the whole configuration.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var folder = builder.Configuration.AddTicketWorkerSettings(configDirectory);
        // SIGTERM / Ctrl-C: the host cancels the services' tokens; loops finish the message in hand.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(_ => new WorkerIdentity());
        builder.Services.AddAgentVerification();
        builder.Services
            .AddSettings(folder)
            .AddStorage()
            .AddMail()
            .AddRules()
            .AddReplies()
            .AddAgents()
            .AddIntake()
            .AddOutbox()
            .AddEscalation(builder.Configuration)
            .AddDigest()
            .AddObservability(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// Builds the host and readies it without starting any hosted service: settings validated, rules
    /// loaded, database migrated (or, with <paramref name="migrate"/> false, only reached). Failures an
    /// admin can fix throw <see cref="ConfigException"/> or <see cref="UserErrorException"/>.
    /// </summary>
    public static async Task<IHost> OpenAsync(HostApplicationBuilder builder, bool migrate = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var host = builder.Build();
        try
        {
            // The same order as the admin fixes things: appsettings.json, then rules.yaml, then the database.
            _ = host.Services.GetRequiredService<TicketWorkerOptions>();
            _ = host.Services.GetRequiredService<PolicyHolder>();
            try
            {
                var database = host.Services.GetRequiredService<StorageDatabase>();
                if (migrate) await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
                else await database.CheckConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (StorageException e)
            {
                throw new UserErrorException("database: " + e.Message, e);
            }
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
