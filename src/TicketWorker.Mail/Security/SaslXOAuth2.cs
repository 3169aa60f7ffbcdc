using System.Text;

namespace TicketWorker.Mail.Security;

/// <summary>
/// Google/Microsoft XOAUTH2: the user name and an OAuth 2.0 bearer access token that the caller
/// obtained. On failure the server sends one challenge holding a JSON error, which the client must
/// answer with an empty response; <see cref="ServerError"/> keeps that JSON.
/// </summary>
public sealed class SaslXOAuth2 : SaslMechanism
{
    private readonly string _accessToken;
    private int _step;

    /// <summary>Authenticates <paramref name="userName"/> with a bearer <paramref name="accessToken"/>.</summary>
    public SaslXOAuth2(string userName, string accessToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        UserName = userName;
        _accessToken = accessToken;
    }

    /// <inheritdoc />
    public override string Name => "XOAUTH2";

    /// <inheritdoc />
    public override string UserName { get; }

    /// <inheritdoc />
    public override bool HasInitialResponse => true;

    /// <summary>The server's JSON error from a failed attempt (e.g. {"status":"401",…}), or null.</summary>
    public string? ServerError { get; private set; }

    /// <inheritdoc />
    public override byte[] Respond(ReadOnlySpan<byte> challenge)
    {
        if (_step++ == 0)
        {
            // "user=" user ^A "auth=Bearer " token ^A ^A
            IsComplete = true;
            return Encoding.UTF8.GetBytes($"user={UserName}\u0001auth=Bearer {_accessToken}\u0001\u0001");
        }

        ServerError = Encoding.UTF8.GetString(challenge);
        return [];
    }

    /// <inheritdoc />
    public override void Reset()
    {
        _step = 0;
        ServerError = null;
        IsComplete = false;
    }
}
