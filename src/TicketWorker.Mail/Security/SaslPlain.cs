using System.Text;

namespace TicketWorker.Mail.Security;

/// <summary>SASL PLAIN (RFC 4616): user name and password in one UTF-8 message.</summary>
public sealed class SaslPlain : SaslMechanism
{
    private readonly string _password;
    private readonly string? _authorizationId;

    /// <summary>Authenticates as <paramref name="userName"/>, optionally acting as another identity.</summary>
    public SaslPlain(string userName, string password, string? authorizationId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentNullException.ThrowIfNull(password);
        // RFC 4616 §2: NUL separates the fields, so none of them may contain one.
        if (userName.Contains('\0') || password.Contains('\0') || (authorizationId?.Contains('\0') ?? false))
        {
            throw new ArgumentException("PLAIN credentials cannot contain NUL characters.");
        }

        UserName = userName;
        _password = password;
        _authorizationId = authorizationId;
    }

    /// <inheritdoc />
    public override string Name => "PLAIN";

    /// <inheritdoc />
    public override string UserName { get; }

    /// <inheritdoc />
    public override bool HasInitialResponse => true;

    /// <inheritdoc />
    public override byte[] Respond(ReadOnlySpan<byte> challenge)
    {
        // RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd. A server that does not
        // take an initial response sends an empty challenge first: answer it the same way.
        IsComplete = true;
        return Encoding.UTF8.GetBytes($"{_authorizationId}\0{UserName}\0{_password}");
    }

    /// <inheritdoc />
    public override void Reset() => IsComplete = false;
}
