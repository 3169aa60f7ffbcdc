using Microsoft.Extensions.DependencyInjection;
using MimeKit.Cryptography;
using TicketWorker.Configuration;

namespace TicketWorker.Agents.Verification;

/// <summary>Registers the agent check (<see cref="IAgentVerifier"/>) with its options and DNS key locator.</summary>
public static class AgentVerificationServiceCollectionExtensions
{
    public static IServiceCollection AddAgentVerification(this IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<TicketWorkerOptions>().AgentVerification);
        services.AddSingleton<IDkimPublicKeyLocator, DnsDkimPublicKeyLocator>();
        services.AddSingleton<IAgentVerifier, AgentVerifier>();
        return services;
    }
}
