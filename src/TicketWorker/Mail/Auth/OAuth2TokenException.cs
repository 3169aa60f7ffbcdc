namespace TicketWorker.Mail.Auth;

/// <summary>
/// An OAuth2 sign-in cannot proceed: the token endpoint refused or could not be reached, or the
/// server refused the token. A MailKit <see cref="MailKit.Security.AuthenticationException"/>, so
/// intake and outbox treat it as a failed login (back off, report, retry). The message says what to do
/// and never contains a secret.
/// </summary>
public sealed class OAuth2TokenException : MailKit.Security.AuthenticationException
{
    public OAuth2TokenException(string message) : base(message) { }

    public OAuth2TokenException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>True when retrying soon cannot help (refused credentials or consent), false for outages.</summary>
    public bool IsPermanent { get; init; }
}
