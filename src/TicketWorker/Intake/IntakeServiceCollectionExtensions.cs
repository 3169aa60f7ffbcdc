using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TicketWorker.Storage;
using TicketWorker.Tickets;

namespace TicketWorker.Intake;

/// <summary>Registers intake: the pipeline every message takes (parse → classify → thread → rules → store) and the IMAP loops.</summary>
public static class IntakeServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IngestPipeline"/> with the <see cref="TicketWriter"/> it hands messages to,
    /// the per-mailbox <see cref="MailboxIntakeFactory"/> and, in the worker, <see cref="IntakeService"/>.
    /// </summary>
    public static IServiceCollection AddIntake(this IServiceCollection services)
    {
        services.AddSingleton<IngestContext>();
        // Intake wakes the outbox sender after each commit that may have queued mail.
        services.TryAddSingleton<OutboxSignal>();
        services.AddSingleton<TicketWriter>();
        services.AddSingleton<IngestPipeline>();
        services.AddSingleton<MailboxIntakeFactory>();
        services.AddHostedService<IntakeService>();
        return services;
    }
}
