using System.Net.Security;
using TicketWorker.Mail.Protocol;

namespace TicketWorker.Mail.Security;

/// <summary>
/// The server's TLS certificate was not accepted. A configuration matter, not a transient one:
/// fix the server's certificate or trust it explicitly (the message names its SHA-256 thumbprint).
/// </summary>
public sealed class TlsCertificateException : MailProtocolException
{
    /// <summary>Creates the exception for a refused certificate of <paramref name="host"/>.</summary>
    public TlsCertificateException(string host, SslPolicyErrors errors, string? subject, string? sha256Thumbprint, Exception? innerException = null)
        : base(FormatMessage(host, errors, subject, sha256Thumbprint), innerException)
    {
        Host = host;
        PolicyErrors = errors;
        Subject = subject;
        Sha256Thumbprint = sha256Thumbprint;
    }

    /// <summary>The host whose certificate was refused.</summary>
    public string Host { get; }

    /// <summary>What validation found wrong.</summary>
    public SslPolicyErrors PolicyErrors { get; }

    /// <summary>The certificate's subject, when the server sent one.</summary>
    public string? Subject { get; }

    /// <summary>The certificate's SHA-256 thumbprint (hex), when the server sent one.</summary>
    public string? Sha256Thumbprint { get; }

    private static string FormatMessage(string host, SslPolicyErrors errors, string? subject, string? thumbprint) =>
        thumbprint is null
            ? $"The TLS certificate of {host} is not trusted: {CertificateTrust.Describe(errors)}."
            : $"The TLS certificate of {host} ({subject}, SHA-256 {thumbprint}) is not trusted: "
              + $"{CertificateTrust.Describe(errors)}. If it is your server's certificate, trust it explicitly "
              + "(its PEM file or this thumbprint).";
}
