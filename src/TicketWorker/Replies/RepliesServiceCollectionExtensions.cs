using Microsoft.Extensions.DependencyInjection;
using TicketWorker.Configuration;
using TicketWorker.Intake;
using TicketWorker.Storage;

namespace TicketWorker.Replies;

/// <summary>Registers replies: the templates and the acknowledger that queues automatic answers.</summary>
public static class RepliesServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="TemplateRenderer"/> (the folder at <c>TicketWorker:TemplatesPath</c>) and the
    /// <see cref="Acknowledger"/> and <see cref="Notifier"/>; without templates (an empty or missing folder) it writes the built-in English text.
    /// </summary>
    public static IServiceCollection AddReplies(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<TicketWorkerOptions>();
            return TemplateRenderer.Load(sp.GetRequiredService<ConfigFolder>().Resolve(options.TemplatesPath), options.DefaultLanguage);
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<TicketWorkerOptions>();
            var templates = sp.GetRequiredService<TemplateRenderer>();
            var render = templates.Templates.Count == 0
                ? Acknowledger.DefaultContent
                : AckTemplates.Renderer(templates, new Threading.SubjectTag(options.Threading.SubjectTag), supportAddress: options.Mailboxes.FirstOrDefault()?.Address);
            return new Acknowledger(sp.GetRequiredService<IngestContext>(), sp.GetRequiredService<ITicketStore>(), sp.GetRequiredService<IOutboxStore>(),
                sp.GetRequiredService<ISettingsStore>(), sp.GetRequiredService<TimeProvider>(), render, sp.GetRequiredService<StorageDatabase>());
        });
        services.AddSingleton<Notifier>();
        // Acknowledgements and agents' notifications are queued by intake as recipes and written by the sender (Outbox/IOutboxComposer).
        services.AddSingleton<Outbox.IOutboxComposer>(sp => sp.GetRequiredService<Notifier>());
        services.AddSingleton<Outbox.IOutboxComposer>(sp => sp.GetRequiredService<Acknowledger>());
        return services;
    }
}
