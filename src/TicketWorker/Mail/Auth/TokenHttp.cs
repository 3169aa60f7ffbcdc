using System.Net.Security;
using TicketWorker.Configuration;

namespace TicketWorker.Mail.Auth;

/// <summary>The HTTP client for token endpoints: TLS validated (plus the one certificate <c>Auth:TrustedCertificate</c> names), short timeouts.</summary>
public static class TokenHttp
{
    /// <summary>How long one token request may take.</summary>
    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(30);

    public static HttpClient Create(LoadedSettings settings, AuthOptions auth)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(auth);
        var trust = string.IsNullOrEmpty(auth.TrustedCertificate) ? CertificateTrust.SystemStore
            : AppSettingsLoader.IsThumbprint(auth.TrustedCertificate) ? CertificateTrust.FromSha256Thumbprint(auth.TrustedCertificate)
            : CertificateTrust.FromPemFile(settings.Resolve(auth.TrustedCertificate));
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => trust.IsTrusted(certificate, chain, errors),
            },
        };
        return new HttpClient(handler) { Timeout = Timeout };
    }

    /// <summary>Reads the first line of a secret file (relative to the config folder); says which key to fix when it is missing or empty.</summary>
    public static string ReadSecret(LoadedSettings settings, string? file, string key)
    {
        if (string.IsNullOrEmpty(file)) throw new OAuth2TokenException($"Auth:{key} is not set") { IsPermanent = true };
        var path = settings.Resolve(file);
        string? line;
        try { line = File.ReadLines(path).FirstOrDefault()?.Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OAuth2TokenException($"Auth:{key} '{path}' cannot be read: {e.Message}", e) { IsPermanent = true };
        }
        return string.IsNullOrEmpty(line) ? throw new OAuth2TokenException($"Auth:{key} '{path}' is empty") { IsPermanent = true } : line;
    }
}
