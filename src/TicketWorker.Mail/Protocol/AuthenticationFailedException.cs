namespace TicketWorker.Mail.Protocol;

/// <summary>
/// The server rejected the credentials (or token) or the SASL exchange. The session lives on but
/// is not authenticated; retrying with the same credentials will not help unless
/// <see cref="MailCommandException.IsTransient"/> is true (e.g. SMTP 454 "temporary failure").
/// </summary>
public class AuthenticationFailedException : MailCommandException
{
    /// <summary>Creates the exception for a failed authentication with the given mechanism.</summary>
    public AuthenticationFailedException(
        string mechanism,
        string serverText,
        bool isTransient = false,
        int statusCode = 0,
        string? enhancedStatusCode = null,
        string? responseCode = null)
        : base("AUTHENTICATE " + mechanism, serverText, isTransient, statusCode, enhancedStatusCode, responseCode)
    {
        Mechanism = mechanism;
    }

    /// <summary>The SASL mechanism that was refused (PLAIN, LOGIN, XOAUTH2, …).</summary>
    public string Mechanism { get; }
}
