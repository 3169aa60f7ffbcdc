using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using TicketWorker.Digest;
using TicketWorker.Storage;

namespace TicketWorker.Escalation;

/// <summary>Registers SLA, escalation and the scheduler (issue 14).</summary>
public static class EscalationServiceCollectionExtensions
{
    /// <summary>Quartz's table prefix in our migration 005.</summary>
    public const string QuartzTablePrefix = "qrtz_";

    /// <summary>
    /// The SLA clock, the escalation scan and Quartz: the RAM job store on SQLite; on PostgreSQL and SQL
    /// Server the clustered ADO.NET store on the same database (tables from migration 005, only
    /// validated by Quartz), so with several workers each firing runs on one of them. The scheduler is
    /// started by its hosted service, which only <c>run</c> starts.
    /// </summary>
    /// <param name="configuration">The host's configuration: the database provider and connection string are read from <c>TicketWorker:Database</c>.</param>
    public static IServiceCollection AddEscalation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<ISlaStore>(sp => new SqlTicketStore(sp.GetRequiredService<StorageDatabase>()));
        services.AddSingleton<SlaClock>();
        services.AddSingleton<EscalationMail>();
        services.AddSingleton<EscalationScanner>();
        services.AddSingleton<EscalationRecheck>();
        services.AddTransient<EscalationScanJob>();
        services.AddTransient<DigestJob>();

        var provider = configuration["TicketWorker:Database:Provider"]?.Trim().ToLowerInvariant();
        var connectionString = configuration["TicketWorker:Database:ConnectionString"] ?? "";
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o => o.InstanceName = "ticketworker");
            // No UseTimeProvider: Quartz runs on the container's TimeProvider, the host's (the system clock in the worker,
            // a test's FakeTimeProvider in tests, where triggers then fire as the test advances it). The triggers must be
            // built on the same clock (EscalationSchedule), or a cron computes its first firing from the system clock.
            switch (provider)
            {
                case "postgres":
                    q.UsePersistentStore(store =>
                    {
                        store.UsePostgres(connectionString);
                        Clustered(store);
                    });
                    break;
                case "sqlserver":
                    q.UsePersistentStore(store =>
                    {
                        store.UseSqlServer(connectionString);
                        Clustered(store);
                    });
                    break;
                default:
                    q.UseInMemoryStore();
                    break;
            }
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        // Quartz takes its loggers from the container: a database restart is one line, not a stack trace per retry.
        QuartzLogFilter.Register(services);
        services.AddHostedService<EscalationSchedule>();
        return services;
    }

    private static void Clustered(IPersistentStoreBuilder store)
    {
        store.ConfigureStore(o =>
        {
            o.TablePrefix = QuartzTablePrefix;
            // Our migration owns the tables; Quartz only checks they are there.
            o.SchemaProvisioning = SchemaProvisioning.Validate;
        });
        store.UseClustering(c =>
        {
            c.CheckinInterval = TimeSpan.FromSeconds(10);
            c.CheckinMisfireThreshold = TimeSpan.FromSeconds(20);
        });
    }
}
