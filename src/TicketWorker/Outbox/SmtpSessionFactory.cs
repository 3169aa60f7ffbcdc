using TicketWorker.Configuration;
using TicketWorker.Mail.Security;
using TicketWorker.Mail.Smtp;

namespace TicketWorker.Outbox;

/// <summary>Opens an SMTP session as <c>TicketWorker:Smtp</c> describes it: connect, TLS, and AUTH when a user name is set.</summary>
public sealed class SmtpSessionFactory(LoadedSettings settings)
{
    /// <summary>True when an SMTP host is configured at all.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(settings.Options.Smtp.Host);

    /// <summary>A connected (and, with a user name, authenticated) client; throws the client's exceptions when that fails.</summary>
    public async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken = default)
    {
        var smtp = settings.Options.Smtp;
        var security = Enum.Parse<SmtpSecurity>(smtp.Security, ignoreCase: true);
        var port = smtp.Port > 0 ? smtp.Port : security == SmtpSecurity.SslOnConnect ? 465 : 587;
        var client = new SmtpClient { Timeout = settings.Options.Outbox.SmtpTimeout };
        try
        {
            await client.ConnectAsync(smtp.Host, port, security, Tls(smtp), cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(smtp.Username) && settings.AccessToken(smtp) is { Length: > 0 } token)
            {
                await client.AuthenticateAsync(new SaslXOAuth2(smtp.Username, token), cancellationToken).ConfigureAwait(false);
            }
            else if (!string.IsNullOrEmpty(smtp.Username))
            {
                var password = settings.Password(smtp) ?? string.Empty;
                // PLAIN is one round trip; LOGIN only for servers that offer nothing else.
                SaslMechanism mechanism = client.AuthenticationMechanisms.Contains("PLAIN") || !client.AuthenticationMechanisms.Contains("LOGIN")
                    ? new SaslPlain(smtp.Username, password)
                    : new SaslLogin(smtp.Username, password);
                await client.AuthenticateAsync(mechanism, cancellationToken).ConfigureAwait(false);
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // Moved here from Intake/ServerConnections when IMAP intake went to MailKit; goes with this file's own move to MailKit.
    private TlsOptions Tls(ServerOptions server) =>
        string.IsNullOrEmpty(server.TrustedCertificate) ? TlsOptions.Default
        : AppSettingsLoader.IsThumbprint(server.TrustedCertificate) ? TlsOptions.TrustingThumbprint(server.TrustedCertificate)
        : TlsOptions.TrustingCertificateFile(settings.Resolve(server.TrustedCertificate));
}
