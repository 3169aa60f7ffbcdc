using Microsoft.Extensions.DependencyInjection;
using TicketWorker.Configuration;

namespace TicketWorker.Mail;

/// <summary>Registers the MailKit set-up shared by intake and outbox.</summary>
public static class MailServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="LoadedSettings"/> that <see cref="MailServer"/> connects with: server
    /// settings plus the config folder where password, token, certificate and protocol-log files are.
    /// (Legacy encodings are registered by <see cref="MailEncodings"/> when the assembly loads.)
    /// </summary>
    public static IServiceCollection AddMail(this IServiceCollection services)
    {
        services.AddSingleton<Auth.OAuth2Tokens>();
        services.AddSingleton(sp => new LoadedSettings(sp.GetRequiredService<ConfigFolder>().Directory, sp.GetRequiredService<TicketWorkerOptions>())
        {
            OAuth2 = sp.GetRequiredService<Auth.OAuth2Tokens>(),
        });
        return services;
    }
}
