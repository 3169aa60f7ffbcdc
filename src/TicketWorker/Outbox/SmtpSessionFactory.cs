using TicketWorker.Configuration;
using TicketWorker.Mail;

namespace TicketWorker.Outbox;

/// <summary>Opens an SMTP session as <c>TicketWorker:Smtp</c> describes it: connect, TLS as configured, and AUTH when a user name is set.</summary>
public sealed class SmtpSessionFactory(LoadedSettings settings)
{
    /// <summary>True when an SMTP host is configured at all.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(settings.Options.Smtp.Host);

    /// <summary>
    /// A connected (and, with a user name, authenticated) client. Throws MailKit's exceptions when
    /// that fails: socket errors, <c>SslHandshakeException</c>, <c>AuthenticationException</c>.
    /// </summary>
    public async Task<OutboxSmtpClient> ConnectAsync(CancellationToken cancellationToken = default)
    {
        var smtp = settings.Options.Smtp;
        var log = MailServer.ProtocolLogger(settings, smtp);
        var client = log is null ? new OutboxSmtpClient() : new OutboxSmtpClient(log);
        try
        {
            MailServer.Prepare(client, MailServer.Trust(settings, smtp), settings.Options.Outbox.SmtpTimeout);
            // RFC 8314 §3.3: 465 for implicit TLS; RFC 6409 §3.1: 587 for submission.
            var port = MailServer.Port(smtp, tlsDefault: 465, plainDefault: 587);
            await MailServer.ConnectAndAuthenticateAsync(client, settings, smtp, port, defaultUser: null, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
