using Microsoft.Extensions.DependencyInjection;

namespace TicketWorker.Agents;

/// <summary>Registers agents by email: the relay to customers, notes and command answers, and the handler intake calls.</summary>
public static class AgentsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="AgentMail"/>, <see cref="AgentRelay"/> and <see cref="AgentNotices"/> (the <see cref="IAgentVerifier"/> is registered by the host).</summary>
    public static IServiceCollection AddAgents(this IServiceCollection services)
    {
        services.AddSingleton<AgentRelay>();
        services.AddSingleton<AgentNotices>();
        services.AddSingleton<AgentMail>();
        return services;
    }
}
