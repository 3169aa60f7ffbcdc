namespace TicketWorker.Mail.Smtp;

/// <summary>The ESMTP extensions a server announced in its EHLO reply (RFC 5321 §4.1.1.1).</summary>
[Flags]
public enum SmtpCapabilities
{
    /// <summary>Nothing (a HELO-only server).</summary>
    None = 0,

    /// <summary>SIZE (RFC 1870): the server announces its message size limit.</summary>
    Size = 1 << 0,

    /// <summary>8BITMIME (RFC 6152): 8-bit message bodies.</summary>
    EightBitMime = 1 << 1,

    /// <summary>SMTPUTF8 (RFC 6531): UTF-8 addresses and headers.</summary>
    SmtpUtf8 = 1 << 2,

    /// <summary>PIPELINING (RFC 2920): commands may be sent in groups.</summary>
    Pipelining = 1 << 3,

    /// <summary>STARTTLS (RFC 3207).</summary>
    StartTls = 1 << 4,

    /// <summary>ENHANCEDSTATUSCODES (RFC 2034).</summary>
    EnhancedStatusCodes = 1 << 5,

    /// <summary>AUTH (RFC 4954); the mechanisms are in <see cref="SmtpClient.AuthenticationMechanisms"/>.</summary>
    Authentication = 1 << 6,

    /// <summary>DSN (RFC 3461).</summary>
    Dsn = 1 << 7,

    /// <summary>CHUNKING (RFC 3030).</summary>
    Chunking = 1 << 8,
}
