namespace TicketWorker.Mail.Security;

/// <summary>
/// Google/Microsoft XOAUTH2: the user name and an OAuth 2.0 bearer access token that the caller
/// obtained. On failure the server sends one challenge holding a JSON error, which the client must
/// answer with an empty response; <see cref="SaslBearerMechanism.ServerError"/> keeps that JSON.
/// </summary>
public sealed class SaslXOAuth2(string userName, string accessToken) : SaslBearerMechanism(userName, accessToken)
{
    /// <inheritdoc />
    public override string Name => "XOAUTH2";

    // "user=" user ^A "auth=Bearer " token ^A ^A
    protected override string InitialResponse() => $"user={UserName}\u0001auth=Bearer {AccessToken}\u0001\u0001";

    protected override byte[] ErrorAcknowledgement => [];
}
