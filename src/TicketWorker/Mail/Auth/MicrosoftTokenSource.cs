using System.Security.Cryptography.X509Certificates;
using Microsoft.Identity.Client;
using TicketWorker.Configuration;

namespace TicketWorker.Mail.Auth;

/// <summary>
/// Microsoft 365: the OAuth2 client-credentials grant through MSAL (an app registration with
/// IMAP.AccessAsApp / SMTP.SendAsApp), signed with a client secret or a certificate. The secret is
/// read when the application is built (the first sign-in); a changed secret needs a restart.
/// </summary>
public sealed class MicrosoftTokenSource : IAccessTokenSource
{
    public const string DefaultAuthorityHost = "https://login.microsoftonline.com/";
    public const string DefaultScope = "https://outlook.office365.com/.default";

    private readonly LoadedSettings _settings;
    private readonly AuthOptions _auth;
    private readonly HttpClient _http;
    private IConfidentialClientApplication? _app;

    public MicrosoftTokenSource(LoadedSettings settings, AuthOptions auth)
    {
        _settings = settings;
        _auth = auth;
        _http = TokenHttp.Create(settings, auth);
    }

    /// <summary>The authority: <c>Auth:Authority</c>, else the public cloud's with the tenant.</summary>
    public static string AuthorityOf(AuthOptions auth) =>
        string.IsNullOrEmpty(auth.Authority) ? DefaultAuthorityHost + auth.TenantId : auth.Authority;

    public async Task<AccessToken> FetchAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        var app = _app ??= Build();
        try
        {
            var result = await app.AcquireTokenForClient([string.IsNullOrEmpty(_auth.Scope) ? DefaultScope : _auth.Scope])
                .WithForceRefresh(forceRefresh)
                .ExecuteAsync(cancellationToken).ConfigureAwait(false);
            return new AccessToken(result.AccessToken, result.ExpiresOn);
        }
        catch (MsalServiceException e)
        {
            // AADSTS codes: 7000215/7000222 wrong or expired secret, 700016 unknown app, 90002 unknown
            // tenant, 1002012/70011 bad scope; anything else points at the registration as well.
            var said = $"Microsoft sign-in refused ({e.ErrorCode}{(e.StatusCode > 0 ? ", HTTP " + e.StatusCode : "")}: {FirstLine(e.Message)})";
            var transient = e.StatusCode is 0 or 429 or >= 500;
            if (transient) throw new OAuth2TokenException($"{said}; retrying with backoff", e);
            var advice = e.Message.Contains("AADSTS7000215", StringComparison.Ordinal) || e.Message.Contains("AADSTS7000222", StringComparison.Ordinal)
                ? $"the client secret in {Path(_auth.ClientSecretFile)} is wrong or expired: create a new one (Entra ID, App registrations, Certificates & secrets) and write it there"
                : e.Message.Contains("AADSTS700016", StringComparison.Ordinal) ? "Auth:ClientId is not an application in this tenant: check the app registration's Application (client) ID and Auth:TenantId"
                : e.Message.Contains("AADSTS90002", StringComparison.Ordinal) ? "Auth:TenantId is not a known tenant: use the Directory (tenant) ID of the app registration"
                : "check the app registration (README, 'Microsoft 365'): client id, secret or certificate, and admin consent for IMAP.AccessAsApp / SMTP.SendAsApp";
            throw new OAuth2TokenException($"{said}: {advice}", e) { IsPermanent = true };
        }
        catch (MsalClientException e)
        {
            throw new OAuth2TokenException($"Microsoft sign-in failed ({e.ErrorCode}: {FirstLine(e.Message)}); check Auth:Authority/TenantId and that {AuthorityOf(_auth)} can be reached", e);
        }
        catch (HttpRequestException e)
        {
            throw new OAuth2TokenException($"Microsoft token endpoint {AuthorityOf(_auth)} cannot be reached: {e.Message}; retrying with backoff", e);
        }
    }

    private IConfidentialClientApplication Build()
    {
        var builder = ConfidentialClientApplicationBuilder.Create(_auth.ClientId)
            .WithAuthority(AuthorityOf(_auth), validateAuthority: string.IsNullOrEmpty(_auth.Authority))
            .WithHttpClientFactory(new Factory(_http));
        // A custom authority (a sovereign cloud, a test endpoint) is used as given, without asking
        // login.microsoftonline.com about it.
        if (!string.IsNullOrEmpty(_auth.Authority)) builder = builder.WithInstanceDiscovery(false);
        builder = !string.IsNullOrEmpty(_auth.CertificateFile)
            ? builder.WithCertificate(LoadCertificate(_settings.Resolve(_auth.CertificateFile)), sendX5C: true)
            : builder.WithClientSecret(TokenHttp.ReadSecret(_settings, _auth.ClientSecretFile, nameof(_auth.ClientSecretFile)));
        return builder.Build();
    }

    private static X509Certificate2 LoadCertificate(string path)
    {
        try
        {
            return path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase)
                ? X509CertificateLoader.LoadPkcs12FromFile(path, password: null)
                : X509Certificate2.CreateFromPemFile(path);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new OAuth2TokenException($"Auth:CertificateFile '{path}' cannot be loaded ({e.Message}); it needs the certificate and its private key (PEM or .pfx without password)", e) { IsPermanent = true };
        }
    }

    private string Path(string? file) => string.IsNullOrEmpty(file) ? "Auth:ClientSecretFile" : _settings.Resolve(file);

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    public void Dispose() => _http.Dispose();

    private sealed class Factory(HttpClient client) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => client;
    }
}
