namespace TicketWorker.Mail.Auth;

/// <summary>An OAuth2 access token and when it expires. <see cref="ToString"/> never shows the token.</summary>
public sealed record AccessToken(string Value, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"access token expiring {ExpiresAt:u}";
}
