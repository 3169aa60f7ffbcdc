using Microsoft.Extensions.DependencyInjection;

namespace TicketWorker.Outbox;

/// <summary>Registers the outbox: SMTP delivery of queued rows, Sent-folder copies and, in the worker, the loop.</summary>
public static class OutboxServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="SmtpSessionFactory"/> (<c>TicketWorker:Smtp</c>), the IMAP <see cref="ISentFolderAppender"/>,
    /// this process's <see cref="OutboxSender"/> and <see cref="OutboxSenderService"/>.
    /// </summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services)
    {
        services.AddSingleton<SmtpSessionFactory>();
        services.AddSingleton<ISentFolderAppender, ImapSentFolderAppender>();
        services.AddSingleton<OutboxSender>();
        services.AddHostedService<OutboxSenderService>();
        return services;
    }
}
