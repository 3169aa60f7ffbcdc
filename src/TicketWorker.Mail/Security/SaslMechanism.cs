namespace TicketWorker.Mail.Security;

/// <summary>
/// One SASL authentication mechanism (RFC 4422) with its credentials. The protocol client (IMAP
/// AUTHENTICATE, SMTP AUTH) moves the bytes and does the base64; the mechanism only computes its
/// responses. An instance holds secrets: it never prints them (see <see cref="ToString"/>).
/// </summary>
public abstract class SaslMechanism
{
    /// <summary>The registered mechanism name, upper case ("PLAIN", "XOAUTH2").</summary>
    public abstract string Name { get; }

    /// <summary>The user the mechanism authenticates as: safe to log.</summary>
    public abstract string UserName { get; }

    /// <summary>
    /// True when the client speaks first (RFC 4422 §3.3 initial response); the client then may send
    /// <c>Respond(empty)</c> with the command (SASL-IR, RFC 4959 / RFC 4954 §4).
    /// </summary>
    public abstract bool HasInitialResponse { get; }

    /// <summary>
    /// True for mechanisms that send the secret itself (PLAIN, LOGIN, bearer tokens): clients refuse
    /// them on a connection without TLS unless told otherwise.
    /// </summary>
    public virtual bool SendsSecretInClear => true;

    /// <summary>True once the mechanism has sent everything it has to send.</summary>
    public bool IsComplete { get; protected set; }

    /// <summary>
    /// Computes the response to a server challenge (already base64-decoded). For a client-first
    /// mechanism the first call passes an empty challenge and yields the initial response.
    /// </summary>
    public abstract byte[] Respond(ReadOnlySpan<byte> challenge);

    /// <summary>Starts over, so the same instance can authenticate another connection.</summary>
    public abstract void Reset();

    /// <summary>The mechanism and user name, never the secret.</summary>
    public override string ToString() => $"{Name} ({UserName})";
}
