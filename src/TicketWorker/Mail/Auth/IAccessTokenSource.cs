namespace TicketWorker.Mail.Auth;

/// <summary>Fetches a fresh access token from one provider for one sign-in (a mailbox or the SMTP account).</summary>
public interface IAccessTokenSource : IDisposable
{
    /// <summary>
    /// A token from the provider. Throws <see cref="OAuth2TokenException"/> with what the admin can do
    /// when the provider refuses (revoked consent, wrong secret) or cannot be reached.
    /// </summary>
    /// <param name="forceRefresh">Bypass any cache of the provider's library: the caller wants a new token.</param>
    Task<AccessToken> FetchAsync(bool forceRefresh, CancellationToken cancellationToken);
}
