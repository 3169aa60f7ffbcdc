using System.Net;
using System.Net.Security;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using TicketWorker.Configuration;
using TicketWorker.Mail.Auth;
using TicketWorker.Mail.Imap;

namespace TicketWorker.Mail;

/// <summary>
/// What every MailKit session (IMAP intake, Sent-folder copies, SMTP) needs from a
/// <see cref="ServerOptions"/>: the socket security, the certificate trust, the credentials and
/// the optional protocol log. TLS is always validated; an admin may trust one certificate more.
/// </summary>
public static class MailServer
{
    /// <summary>MailKit's socket option for our <c>Security</c> value (None, StartTls, SslOnConnect).</summary>
    public static SecureSocketOptions SocketOptions(ServerOptions server) => server.Security switch
    {
        "None" => SecureSocketOptions.None,
        "StartTls" => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.SslOnConnect,
    };

    /// <summary>The port to connect to: the configured one, else the protocol's default for the security mode.</summary>
    public static int Port(ServerOptions server, int tlsDefault, int plainDefault) =>
        server.Port > 0 ? server.Port : server.Security == "SslOnConnect" ? tlsDefault : plainDefault;

    /// <summary>Which server certificates are accepted: the system's roots, plus the one certificate the admin named.</summary>
    public static CertificateTrust Trust(LoadedSettings settings, ServerOptions server) =>
        string.IsNullOrEmpty(server.TrustedCertificate) ? CertificateTrust.SystemStore
        : AppSettingsLoader.IsThumbprint(server.TrustedCertificate) ? CertificateTrust.FromSha256Thumbprint(server.TrustedCertificate)
        : CertificateTrust.FromPemFile(settings.Resolve(server.TrustedCertificate));

    /// <summary>A protocol logger writing to the server's <c>ProtocolLog</c> file (secrets redacted), or null when none is set.</summary>
    public static IProtocolLogger? ProtocolLogger(LoadedSettings settings, ServerOptions server)
    {
        if (string.IsNullOrWhiteSpace(server.ProtocolLog)) return null;
        var path = settings.Resolve(server.ProtocolLog);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new ProtocolLogger(path, append: true) { RedactSecrets = true };
    }

    /// <summary>Applies the trust and timeout to a MailKit client before it connects.</summary>
    public static void Prepare(MailService client, CertificateTrust trust, TimeSpan timeout)
    {
        client.ServerCertificateValidationCallback = (_, certificate, chain, errors) => trust.IsTrusted(certificate, chain, errors);
        client.Timeout = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);
        // Certificate revocation lists are not reachable from many servers' networks; the chain and name still are checked.
        client.CheckCertificateRevocation = false;
    }

    /// <summary>Connects and authenticates: XOAUTH2 with a token of <c>Auth</c> (oauth2-*) or of an access token file, else user name and password.</summary>
    /// <param name="defaultUser">User name when the server options give none (the mailbox address for IMAP).</param>
    public static async Task ConnectAndAuthenticateAsync(MailService client, LoadedSettings settings, ServerOptions server, int port, string? defaultUser, CancellationToken cancellationToken)
    {
        await client.ConnectAsync(server.Host, port, SocketOptions(server), cancellationToken).ConfigureAwait(false);
        var user = string.IsNullOrEmpty(server.Username) ? defaultUser : server.Username;
        if (string.IsNullOrEmpty(user)) return;
        if (server.Auth.IsOAuth2)
            await AuthenticateWithOAuth2Async(client, settings, server, user, cancellationToken).ConfigureAwait(false);
        else if (settings.AccessToken(server) is { Length: > 0 } token)
            await client.AuthenticateAsync(new SaslMechanismOAuth2(user, token), cancellationToken).ConfigureAwait(false);
        else
            await client.AuthenticateAsync(new NetworkCredential(user, settings.Password(server) ?? ""), cancellationToken).ConfigureAwait(false);
    }

    // RFC 7628 / Microsoft's and Google's XOAUTH2: the mailbox address as user, the token as bearer.
    private static async Task AuthenticateWithOAuth2Async(MailService client, LoadedSettings settings, ServerOptions server, string user, CancellationToken cancellationToken)
    {
        var tokens = settings.OAuth2 ?? OAuth2Tokens.Fallback;
        var label = $"{(client is SmtpClient ? "SMTP" : "IMAP")} {user}";
        var token = await tokens.GetAsync(settings, server, user, label, cancellationToken).ConfigureAwait(false);
        try
        {
            await client.AuthenticateAsync(new SaslMechanismOAuth2(user, token), cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationException e) when (e is not OAuth2TokenException)
        {
            // The token may have been revoked early: fetch a new one next time.
            tokens.Invalidate(server, user);
            var advice = server.Auth.Mode == AuthOptions.MicrosoftMode
                ? "check that the app's service principal has access to this mailbox (New-ServicePrincipal, Add-MailboxPermission … -AccessRights FullAccess) and, for SMTP, SMTP AUTH is enabled for it"
                : "check that the refresh token was issued for this address with the https://mail.google.com/ scope";
            throw new OAuth2TokenException($"{label}: the server refused the OAuth2 access token ({e.Message}); {advice}", e);
        }
    }

    /// <summary>Why a TLS handshake was refused, in words an admin can act on.</summary>
    public static string DescribeCertificateError(SslPolicyErrors errors) => CertificateTrust.Describe(errors);

    /// <summary>Creates an SMTP client with trust, timeout and protocol log applied (not yet connected).</summary>
    public static SmtpClient CreateSmtpClient(LoadedSettings settings, ServerOptions server, TimeSpan timeout)
    {
        var log = ProtocolLogger(settings, server);
        var client = log is null ? new SmtpClient() : new SmtpClient(log);
        Prepare(client, Trust(settings, server), timeout);
        return client;
    }

    /// <summary>
    /// Creates an IMAP client with trust, timeout and protocol log applied (not yet connected); its
    /// folders spool fetched literals above <paramref name="spool"/>'s threshold to disk.
    /// </summary>
    public static ImapClient CreateImapClient(LoadedSettings settings, ServerOptions server, TimeSpan timeout, SpoolOptions? spool = null)
    {
        var client = new SpoolingImapClient(spool ?? SpoolOptions.Default, ProtocolLogger(settings, server));
        Prepare(client, Trust(settings, server), timeout);
        return client;
    }
}
