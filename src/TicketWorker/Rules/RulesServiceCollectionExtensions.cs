using Microsoft.Extensions.DependencyInjection;
using TicketWorker.Configuration;

namespace TicketWorker.Rules;

/// <summary>Registers rules.yaml: the policy in force and, in the worker, the watcher that reloads it.</summary>
public static class RulesServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="PolicyHolder"/> (rules.yaml at <c>TicketWorker:RulesPath</c>, loaded when
    /// first asked for; a broken file throws <see cref="ConfigException"/>) and the reload watcher.
    /// </summary>
    public static IServiceCollection AddRules(this IServiceCollection services)
    {
        services.AddSingleton(sp => PolicyHolder.Load(sp.GetRequiredService<ConfigFolder>().Resolve(sp.GetRequiredService<TicketWorkerOptions>().RulesPath)));
        services.AddHostedService<PolicyWatcher>();
        return services;
    }
}
