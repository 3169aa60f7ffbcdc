using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TicketWorker.Configuration;

/// <summary>Registers the settings: <see cref="TicketWorkerOptions"/> bound from the host's configuration and validated at start.</summary>
public static class ConfigurationServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="TicketWorkerOptions"/> (ValidateOnStart; failures throw
    /// <see cref="ConfigException"/> with every <c>file:line:col</c>) and offers each stage its section.
    /// </summary>
    public static IServiceCollection AddSettings(this IServiceCollection services, ConfigFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        services.AddSingleton(folder);
        services.AddSingleton<IConfigureOptions<TicketWorkerOptions>, TicketWorkerOptionsBinder>();
        services.AddSingleton<IValidateOptions<TicketWorkerOptions>, TicketWorkerOptionsValidator>();
        services.AddOptions<TicketWorkerOptions>().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<TicketWorkerOptions>>().Value);
        services.AddSingleton(sp => sp.GetRequiredService<TicketWorkerOptions>().Outbox);
        services.AddSingleton(sp => sp.GetRequiredService<TicketWorkerOptions>().Threading);
        return services;
    }
}
