using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TicketWorker.Mail;

/// <summary>
/// Which server certificates a TLS connection accepts. The default is the system's trusted roots
/// with full validation. A mailbox may additionally trust exactly one certificate it names (a
/// self-signed server certificate or a private CA, by PEM file or SHA-256 thumbprint). There is
/// deliberately no "accept everything".
/// </summary>
public sealed class CertificateTrust
{
    private readonly X509Certificate2? _anchor;
    private readonly byte[]? _sha256;

    private CertificateTrust(X509Certificate2? anchor, byte[]? sha256, string description)
    {
        _anchor = anchor;
        _sha256 = sha256;
        Description = description;
    }

    /// <summary>Only certificates that chain to the system's trusted roots and match the host name.</summary>
    public static CertificateTrust SystemStore { get; } = new(null, null, "the system's trusted roots");

    /// <summary>What is trusted, for messages ("the certificate in /etc/x.pem").</summary>
    public string Description { get; }

    /// <summary>
    /// Also trusts the certificate in a PEM file: the server's own self-signed certificate or a CA
    /// that issued it. The host name must still match it.
    /// </summary>
    public static CertificateTrust FromPemFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var pem = File.ReadAllText(path);
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] is not "CERTIFICATE")
        {
            throw new ArgumentException($"No PEM \"CERTIFICATE\" block in {path}.", nameof(path));
        }

        var der = Convert.FromBase64String(pem[fields.Base64Data].ToString());
        return new CertificateTrust(X509CertificateLoader.LoadCertificate(der), null, $"the certificate in {path}");
    }

    /// <summary>Also trusts the given certificate (a self-signed server certificate or a CA).</summary>
    public static CertificateTrust FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new CertificateTrust(certificate, null, $"the certificate {certificate.Subject}");
    }

    /// <summary>
    /// Also trusts the one server certificate whose SHA-256 digest (of its DER bytes) is the given
    /// hex string; colons and spaces are ignored ("AB:CD:…" as openssl prints it works).
    /// </summary>
    public static CertificateTrust FromSha256Thumbprint(string thumbprint)
    {
        ArgumentException.ThrowIfNullOrEmpty(thumbprint);
        var hex = new string(thumbprint.Where(c => c is not (':' or ' ' or '-')).ToArray());
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
        {
            throw new ArgumentException("A SHA-256 thumbprint is 64 hexadecimal digits.", nameof(thumbprint));
        }

        return new CertificateTrust(null, Convert.FromHexString(hex), $"the certificate with SHA-256 {hex.ToUpperInvariant()}");
    }

    /// <summary>The SHA-256 thumbprint of a certificate as upper-case hex, as used by <see cref="FromSha256Thumbprint"/>.</summary>
    public static string Sha256Thumbprint(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData()));
    }

    /// <summary>Decides whether a server certificate is accepted (a TLS validation callback).</summary>
    public bool IsTrusted(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // Only a chain problem can be overridden by an explicit trust; a missing certificate or a
        // name mismatch never is.
        if (certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }

        if (_sha256 is not null)
        {
            return CryptographicOperations.FixedTimeEquals(SHA256.HashData(certificate.GetRawCertData()), _sha256);
        }

        return _anchor is not null && ChainsToAnchor(certificate, chain, _anchor);
    }

    private static bool ChainsToAnchor(X509Certificate certificate, X509Chain? presented, X509Certificate2 anchor)
    {
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(anchor);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(leaf);
    }

    /// <inheritdoc />
    public override string ToString() => Description;

    public static string Describe(SslPolicyErrors errors) => errors switch
    {
        SslPolicyErrors.RemoteCertificateNotAvailable => "the server sent no certificate",
        SslPolicyErrors.RemoteCertificateNameMismatch => "its name does not match the host",
        SslPolicyErrors.RemoteCertificateChainErrors => "it is not issued by a trusted authority (self-signed, unknown CA or expired)",
        _ => errors.ToString().ToLower(CultureInfo.InvariantCulture),
    };
}
