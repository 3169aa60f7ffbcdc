using System.Text;

namespace TicketWorker.Mail.Security;

/// <summary>
/// OAUTHBEARER (RFC 7628): the standard form of XOAUTH2, with a GS2 header naming the user. On
/// failure the server sends a JSON error challenge that the client answers with ^A
/// (RFC 7628 §3.2.3); <see cref="ServerError"/> keeps the JSON.
/// </summary>
public sealed class SaslOAuthBearer : SaslMechanism
{
    private readonly string _accessToken;
    private int _step;

    /// <summary>Authenticates <paramref name="userName"/> with a bearer <paramref name="accessToken"/>.</summary>
    public SaslOAuthBearer(string userName, string accessToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        UserName = userName;
        _accessToken = accessToken;
    }

    /// <inheritdoc />
    public override string Name => "OAUTHBEARER";

    /// <inheritdoc />
    public override string UserName { get; }

    /// <inheritdoc />
    public override bool HasInitialResponse => true;

    /// <summary>The server's JSON error from a failed attempt, or null.</summary>
    public string? ServerError { get; private set; }

    /// <inheritdoc />
    public override byte[] Respond(ReadOnlySpan<byte> challenge)
    {
        if (_step++ == 0)
        {
            // RFC 7628 §3.1: gs2-header "n,a=" saslname "," then kvpairs separated by ^A. In a
            // saslname "," and "=" are escaped as "=2C" and "=3D" (RFC 5801 §4).
            IsComplete = true;
            var user = UserName.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);
            return Encoding.UTF8.GetBytes($"n,a={user},\u0001auth=Bearer {_accessToken}\u0001\u0001");
        }

        ServerError = Encoding.UTF8.GetString(challenge);
        return [0x01];
    }

    /// <inheritdoc />
    public override void Reset()
    {
        _step = 0;
        ServerError = null;
        IsComplete = false;
    }
}
