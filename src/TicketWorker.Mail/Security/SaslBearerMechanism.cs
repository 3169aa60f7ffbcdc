using System.Text;

namespace TicketWorker.Mail.Security;

/// <summary>
/// The shape XOAUTH2 and OAUTHBEARER share: one initial response carrying a bearer token; on
/// failure one challenge with the server's JSON error, which the client must answer before the
/// server sends its final failure.
/// </summary>
public abstract class SaslBearerMechanism : SaslMechanism
{
    private int _step;

    /// <summary>Authenticates <paramref name="userName"/> with a bearer <paramref name="accessToken"/>.</summary>
    protected SaslBearerMechanism(string userName, string accessToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        UserName = userName;
        AccessToken = accessToken;
    }

    /// <inheritdoc />
    public override string UserName { get; }

    /// <inheritdoc />
    public override bool HasInitialResponse => true;

    /// <summary>The server's JSON error from a failed attempt (e.g. {"status":"401",…}), or null.</summary>
    public string? ServerError { get; private set; }

    /// <summary>The token (never logged; <see cref="SaslMechanism"/>'s ToString leaves it out).</summary>
    protected string AccessToken { get; }

    /// <summary>The mechanism's initial client response.</summary>
    protected abstract string InitialResponse();

    /// <summary>What the client answers to the server's error challenge.</summary>
    protected abstract byte[] ErrorAcknowledgement { get; }

    /// <inheritdoc />
    public override byte[] Respond(ReadOnlySpan<byte> challenge)
    {
        if (_step++ == 0)
        {
            IsComplete = true;
            return Encoding.UTF8.GetBytes(InitialResponse());
        }

        ServerError = Encoding.UTF8.GetString(challenge);
        return ErrorAcknowledgement;
    }

    /// <inheritdoc />
    public override void Reset()
    {
        _step = 0;
        ServerError = null;
        IsComplete = false;
    }
}
