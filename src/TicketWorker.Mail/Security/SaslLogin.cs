using System.Text;

namespace TicketWorker.Mail.Security;

/// <summary>
/// The obsolete but widespread LOGIN mechanism (draft-murchison-sasl-login): the server asks for
/// the user name, then the password, each in its own challenge.
/// </summary>
public sealed class SaslLogin : SaslMechanism
{
    private readonly string _password;
    private int _step;

    /// <summary>Authenticates as <paramref name="userName"/> with <paramref name="password"/>.</summary>
    public SaslLogin(string userName, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentNullException.ThrowIfNull(password);
        UserName = userName;
        _password = password;
    }

    /// <inheritdoc />
    public override string Name => "LOGIN";

    /// <inheritdoc />
    public override string UserName { get; }

    /// <inheritdoc />
    public override bool HasInitialResponse => false;

    /// <inheritdoc />
    public override byte[] Respond(ReadOnlySpan<byte> challenge)
    {
        // The challenges' text ("Username:", "Password:") varies between servers: go by order.
        switch (_step++)
        {
            case 0:
                return Encoding.UTF8.GetBytes(UserName);
            case 1:
                IsComplete = true;
                return Encoding.UTF8.GetBytes(_password);
            default:
                throw new InvalidOperationException("LOGIN has no third step.");
        }
    }

    /// <inheritdoc />
    public override void Reset()
    {
        _step = 0;
        IsComplete = false;
    }
}
