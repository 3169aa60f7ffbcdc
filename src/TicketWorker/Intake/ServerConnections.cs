using TicketWorker.Configuration;
using TicketWorker.Mail.Imap;
using TicketWorker.Mail.Security;

namespace TicketWorker.Intake;

/// <summary>Turns server settings into connected, authenticated clients (TLS validated unless a certificate is trusted explicitly).</summary>
public static class ServerConnections
{
    /// <summary>TLS settings: the system's roots, or the one certificate (PEM file or SHA-256 thumbprint) the admin named.</summary>
    public static TlsOptions Tls(LoadedSettings settings, ServerOptions server) =>
        string.IsNullOrEmpty(server.TrustedCertificate) ? TlsOptions.Default
        : AppSettingsLoader.IsThumbprint(server.TrustedCertificate) ? TlsOptions.TrustingThumbprint(server.TrustedCertificate)
        : TlsOptions.TrustingCertificateFile(settings.Resolve(server.TrustedCertificate));

    public static ImapSecurity ImapSecurityOf(ServerOptions server) => server.Security switch
    {
        "None" => ImapSecurity.None,
        "StartTls" => ImapSecurity.StartTls,
        _ => ImapSecurity.SslOnConnect,
    };

    /// <summary>Connects and logs in; the caller disposes the client.</summary>
    public static async Task<ImapClient> OpenImapAsync(LoadedSettings settings, MailboxOptions mailbox, CancellationToken cancellationToken)
    {
        var server = mailbox.Imap;
        var client = new ImapClient();
        try
        {
            var port = server.Port > 0 ? server.Port : server.Security == "SslOnConnect" ? 993 : 143;
            await client.ConnectAsync(server.Host, port, ImapSecurityOf(server), Tls(settings, server), cancellationToken).ConfigureAwait(false);
            if (!client.IsAuthenticated && settings.AccessToken(server) is { Length: > 0 } token)
                await client.AuthenticateAsync(new SaslXOAuth2(server.Username ?? mailbox.Address, token), cancellationToken).ConfigureAwait(false);
            else if (!client.IsAuthenticated)
                await client.LoginAsync(server.Username ?? mailbox.Address, settings.Password(server) ?? "", cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
