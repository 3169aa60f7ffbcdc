namespace TicketWorker.Mail.Smtp;

/// <summary>How an SMTP connection is protected.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain text (port 25 relay between servers, or a local test server). No AUTH with passwords.</summary>
    None,

    /// <summary>Connect in plain text, then upgrade with STARTTLS (RFC 3207); fails if the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (implicit TLS, RFC 8314 §3.3; port 465).</summary>
    SslOnConnect,
}
