using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TicketWorker.Mail.Security;

namespace TicketWorker.Mail.Tests.Security;

public class CertificateTrustTests
{
    private static readonly X509Certificate2 SelfSigned = CreateSelfSigned("CN=localhost");
    private static readonly X509Certificate2 Other = CreateSelfSigned("CN=other");

    [Test]
    public void SystemStoreRefusesASelfSignedCertificate()
    {
        Assert.That(CertificateTrust.SystemStore.IsTrusted(SelfSigned, null, SslPolicyErrors.RemoteCertificateChainErrors), Is.False);
    }

    [Test]
    public void AValidCertificateIsTrustedWhateverTheExtraTrust()
    {
        var trust = CertificateTrust.FromSha256Thumbprint(CertificateTrust.Sha256Thumbprint(Other));

        Assert.That(trust.IsTrusted(SelfSigned, null, SslPolicyErrors.None), Is.True);
    }

    [Test]
    public void ThumbprintTrustAcceptsOnlyThatCertificate()
    {
        var thumbprint = CertificateTrust.Sha256Thumbprint(SelfSigned);
        var withColons = string.Join(':', thumbprint.Chunk(2).Select(pair => new string(pair))).ToLowerInvariant();
        var trust = CertificateTrust.FromSha256Thumbprint(withColons);

        Assert.That(trust.IsTrusted(SelfSigned, null, SslPolicyErrors.RemoteCertificateChainErrors), Is.True);
        Assert.That(trust.IsTrusted(Other, null, SslPolicyErrors.RemoteCertificateChainErrors), Is.False);
    }

    [Test]
    public void ExplicitTrustNeverOverridesANameMismatch()
    {
        var trust = CertificateTrust.FromCertificate(SelfSigned);

        Assert.That(
            trust.IsTrusted(SelfSigned, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch),
            Is.False);
    }

    [Test]
    public void PemFileTrustAcceptsTheCertificateInTheFileAndNoOther()
    {
        var path = Path.Combine(Path.GetTempPath(), $"trust-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, SelfSigned.ExportCertificatePem());
        try
        {
            var trust = CertificateTrust.FromPemFile(path);

            Assert.That(trust.IsTrusted(SelfSigned, null, SslPolicyErrors.RemoteCertificateChainErrors), Is.True);
            Assert.That(trust.IsTrusted(Other, null, SslPolicyErrors.RemoteCertificateChainErrors), Is.False);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void AMalformedThumbprintIsRejectedAtConfiguration()
    {
        Assert.That(() => CertificateTrust.FromSha256Thumbprint("ABCD"), Throws.ArgumentException);
    }

    private static X509Certificate2 CreateSelfSigned(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var withKey = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadCertificate(withKey.RawData);
    }
}
