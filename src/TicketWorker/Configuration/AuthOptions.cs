namespace TicketWorker.Configuration;

/// <summary>
/// How a server session signs in (<c>Imap:Auth</c>, <c>Smtp:Auth</c>). Empty <see cref="Mode"/>:
/// the password (or <c>AccessTokenFile</c>) of the server. With an OAuth2 mode the worker fetches
/// and refreshes the access token itself and logs in with XOAUTH2. Secrets come only from files
/// (a systemd credential, a mounted secret); the path may be set by environment.
/// </summary>
public sealed class AuthOptions
{
    public const string MicrosoftMode = "oauth2-microsoft";
    public const string GoogleMode = "oauth2-google";

    /// <summary>Empty (password), <c>oauth2-microsoft</c> (client credentials) or <c>oauth2-google</c> (stored refresh token).</summary>
    public string? Mode { get; set; }
    /// <summary>Microsoft: the directory (tenant) id of the app registration.</summary>
    public string? TenantId { get; set; }
    /// <summary>The application (client) id.</summary>
    public string? ClientId { get; set; }
    /// <summary>A file holding the client secret (first line).</summary>
    public string? ClientSecretFile { get; set; }
    /// <summary>Microsoft, instead of a secret: a certificate with its private key (PEM with key, or PKCS#12/.pfx).</summary>
    public string? CertificateFile { get; set; }
    /// <summary>Google: a file holding the refresh token (first line).</summary>
    public string? RefreshTokenFile { get; set; }
    /// <summary>Google: the token endpoint (default <c>https://oauth2.googleapis.com/token</c>).</summary>
    public string? TokenEndpoint { get; set; }
    /// <summary>Microsoft: the authority (default <c>https://login.microsoftonline.com/{TenantId}</c>).</summary>
    public string? Authority { get; set; }
    /// <summary>The scope asked for (Microsoft default <c>https://outlook.office365.com/.default</c>; Google <c>https://mail.google.com/</c>).</summary>
    public string? Scope { get; set; }
    /// <summary>Trust this certificate (PEM file or SHA-256 thumbprint) for the token endpoint too, e.g. behind a TLS-inspecting proxy.</summary>
    public string? TrustedCertificate { get; set; }
    /// <summary>A token is replaced when less than this remains of its lifetime.</summary>
    public TimeSpan RefreshBefore { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>True for the two OAuth2 modes.</summary>
    public bool IsOAuth2 => Mode is MicrosoftMode or GoogleMode;
}
