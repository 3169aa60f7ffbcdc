using System.Security.Authentication;

namespace TicketWorker.Mail.Security;

/// <summary>TLS settings of one mail server connection (IMAP or SMTP). Validation is always on.</summary>
public sealed record TlsOptions
{
    /// <summary>System trust, host name taken from the connection, the OS's protocol versions.</summary>
    public static TlsOptions Default { get; } = new();

    /// <summary>Which certificates are accepted; the system's roots unless a mailbox names one.</summary>
    public CertificateTrust Trust { get; init; } = CertificateTrust.SystemStore;

    /// <summary>The name to validate the certificate against and send as SNI; null: the host connected to.</summary>
    public string? ServerName { get; init; }

    /// <summary>Allowed TLS versions; <see cref="SslProtocols.None"/> lets the OS choose (TLS 1.2/1.3).</summary>
    public SslProtocols Protocols { get; init; } = SslProtocols.None;

    /// <summary>Options that also trust the certificate in a PEM file (see <see cref="CertificateTrust.FromPemFile"/>).</summary>
    public static TlsOptions TrustingCertificateFile(string pemPath) => new() { Trust = CertificateTrust.FromPemFile(pemPath) };

    /// <summary>Options that also trust one certificate by SHA-256 thumbprint.</summary>
    public static TlsOptions TrustingThumbprint(string sha256) => new() { Trust = CertificateTrust.FromSha256Thumbprint(sha256) };
}
