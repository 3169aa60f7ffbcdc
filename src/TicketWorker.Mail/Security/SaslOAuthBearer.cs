namespace TicketWorker.Mail.Security;

/// <summary>
/// OAUTHBEARER (RFC 7628): the standard form of XOAUTH2, with a GS2 header naming the user. On
/// failure the server sends a JSON error challenge that the client answers with ^A
/// (RFC 7628 §3.2.3); <see cref="SaslBearerMechanism.ServerError"/> keeps the JSON.
/// </summary>
public sealed class SaslOAuthBearer(string userName, string accessToken) : SaslBearerMechanism(userName, accessToken)
{
    /// <inheritdoc />
    public override string Name => "OAUTHBEARER";

    // RFC 7628 §3.1: gs2-header "n,a=" saslname "," then kvpairs separated by ^A. In a saslname
    // "," and "=" are escaped as "=2C" and "=3D" (RFC 5801 §4).
    protected override string InitialResponse() =>
        $"n,a={UserName.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal)},\u0001auth=Bearer {AccessToken}\u0001\u0001";

    protected override byte[] ErrorAcknowledgement => [0x01];
}
