using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using TicketWorker.Mail.Protocol;

namespace TicketWorker.Mail.Security;

/// <summary>
/// The TLS client handshake shared by the IMAP and SMTP clients (implicit TLS and STARTTLS), with
/// the failures mapped to the library's exceptions.
/// </summary>
internal static class TlsNegotiator
{
    /// <summary>
    /// Wraps <paramref name="transport"/> in TLS and validates the server against
    /// <paramref name="options"/>. The returned stream owns the transport.
    /// </summary>
    public static async Task<SslStream> AuthenticateAsClientAsync(
        Stream transport, string host, TlsOptions? options, CancellationToken cancellationToken)
    {
        options ??= TlsOptions.Default;
        var serverName = options.ServerName ?? host;
        SslPolicyErrors refusedErrors = SslPolicyErrors.None;
        X509Certificate2? refused = null;
        var ssl = new SslStream(transport, leaveInnerStreamOpen: false);
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            EnabledSslProtocols = options.Protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (options.Trust.IsTrusted(certificate, chain, errors))
                {
                    return true;
                }

                refusedErrors = errors;
                refused = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return false;
            },
        };

        try
        {
            await ssl.AuthenticateAsClientAsync(authentication, cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch (AuthenticationException ex) when (refusedErrors != SslPolicyErrors.None)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            var subject = refused?.Subject;
            var thumbprint = refused is null ? null : CertificateTrust.Sha256Thumbprint(refused);
            refused?.Dispose();
            throw new TlsCertificateException(serverName, refusedErrors, subject, thumbprint, ex);
        }
        catch (AuthenticationException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new ProtocolViolationException($"The TLS handshake with {serverName} failed: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new ConnectionLostException($"The connection to {serverName} broke during the TLS handshake.", ex);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
