using Microsoft.Extensions.DependencyInjection;

namespace TicketWorker.Digest;

/// <summary>Wires the daily digest; Quartz (registered by the escalation part) fires <see cref="DigestJob"/> from <see cref="DigestSchedule"/>.</summary>
public static class DigestServiceCollectionExtensions
{
    public static IServiceCollection AddDigest(this IServiceCollection services)
    {
        services.AddSingleton<DigestReader>();
        services.AddSingleton<DigestSender>();
        services.AddTransient<DigestJob>();
        return services;
    }
}
