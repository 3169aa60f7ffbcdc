namespace TicketWorker.Mail.Imap;

/// <summary>How the IMAP connection is protected.</summary>
public enum ImapSecurity
{
    /// <summary>Plain text (only for loopback tests).</summary>
    None,

    /// <summary>Plain connection upgraded with STARTTLS before authentication (RFC 3501 §6.2.1); fails if the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (RFC 8314 §3.2, port 993).</summary>
    SslOnConnect,
}
