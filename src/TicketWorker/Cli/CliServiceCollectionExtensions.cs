using Microsoft.Extensions.DependencyInjection;

namespace TicketWorker.Cli;

/// <summary>Registers what the one-shot commands resolve (the worker does not need them).</summary>
public static class CliServiceCollectionExtensions
{
    public static IServiceCollection AddCommands(this IServiceCollection services)
    {
        services.AddSingleton<StatusReader>();
        services.AddSingleton<HealthReader>();
        services.AddSingleton<TicketReader>();
        services.AddSingleton<QuarantineDesk>();
        services.AddSingleton<Reprocessor>();
        services.AddSingleton<AttachmentSaver>();
        return services;
    }
}
