using TicketWorker.Mail.Protocol;
using TicketWorker.Mail.Security;

namespace TicketWorker.Mail.Imap;

public sealed partial class ImapClient
{
    /// <summary>
    /// LOGIN (RFC 3501 §6.2.3) with the user name and password sent as quoted strings, or literals when
    /// they contain 8-bit characters. A refusal throws <see cref="AuthenticationFailedException"/>.
    /// </summary>
    public Task LoginAsync(string userName, string password, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentNullException.ThrowIfNull(password);
        return RunAsync(async (engine, ct) =>
        {
            RequireNotAuthenticated();
            if (engine.Capabilities.HasFlag(ImapCapabilities.LoginDisabled))
                throw new InvalidOperationException("the server disables LOGIN on this connection (LOGINDISABLED): use STARTTLS or TLS");
            var command = new ImapCommand("LOGIN", sensitive: true).AString(userName).AString(password);
            await AuthenticateWithAsync(engine, "LOGIN", () => engine.RunAsync(command, null, ct), ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// AUTHENTICATE with a SASL mechanism (RFC 3501 §6.2.2), e.g. <see cref="SaslPlain"/> or
    /// <see cref="SaslXOAuth2"/> with a token the caller obtained. Sends the initial response with the
    /// command when the server offers SASL-IR (RFC 4959). A refusal throws <see cref="AuthenticationFailedException"/>.
    /// </summary>
    public Task AuthenticateAsync(SaslMechanism mechanism, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        return RunAsync(async (engine, ct) =>
        {
            RequireNotAuthenticated();
            if (!engine.AuthenticationMechanisms.Contains(mechanism.Name))
                throw new NotSupportedException($"the server does not offer AUTH={mechanism.Name}");
            await AuthenticateWithAsync(engine, mechanism.Name, () => RunSaslAsync(engine, mechanism, ct), ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    private static async Task<ImapResponse> RunSaslAsync(ImapEngine engine, SaslMechanism mechanism, CancellationToken cancellationToken)
    {
        mechanism.Reset();
        var tag = engine.NextTag();
        var line = tag + " AUTHENTICATE " + mechanism.Name;
        var initialSent = false;
        if (mechanism.HasInitialResponse && engine.Capabilities.HasFlag(ImapCapabilities.SaslIR))
        {
            // RFC 4959 §3: an empty initial response is sent as "=".
            var initial = mechanism.Respond([]);
            line += " " + (initial.Length == 0 ? "=" : Convert.ToBase64String(initial));
            initialSent = true;
        }
        engine.LogClient(tag + " AUTHENTICATE " + mechanism.Name + (initialSent ? " ********" : ""));
        engine.Queue(line + "\r\n");
        await engine.FlushAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var response = await engine.ReadResponseAsync(cancellationToken).ConfigureAwait(false);
            switch (response.Kind)
            {
                case ImapResponseKind.Tagged when response.Tag == tag:
                    ImapEngine.ThrowIfFailed(response, "AUTHENTICATE " + mechanism.Name);
                    return response;
                case ImapResponseKind.Tagged:
                    throw ImapErrors.Violation($"unexpected tag {response.Tag} during AUTHENTICATE");
                case ImapResponseKind.Continuation:
                    byte[] challenge;
                    try
                    {
                        challenge = Convert.FromBase64String(response.Text.Trim());
                    }
                    catch (FormatException)
                    {
                        throw ImapErrors.Violation("the SASL challenge is not base64");
                    }
                    var answer = mechanism.Respond(challenge);
                    initialSent = true;
                    engine.LogClient("********");
                    engine.Queue(Convert.ToBase64String(answer) + "\r\n");
                    await engine.FlushAsync(cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    if (!response.IsComplete)
                        await engine.Reader.SkipLineAsync(cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    // RFC 3501 §6.2.2/§6.2.3: capabilities may change with authentication. The old ones stay in
    // force during the exchange (SASL-IR, LITERAL+ decide how it is sent) but count as stale: unless
    // the server sends new ones with its OK (or untagged meanwhile), they are re-read afterwards.
    private async Task AuthenticateWithAsync(ImapEngine engine, string mechanism, Func<Task<ImapResponse>> exchange, CancellationToken cancellationToken)
    {
        engine.MarkCapabilitiesStale();
        try
        {
            await exchange().ConfigureAwait(false);
        }
        catch (MailCommandException e)
        {
            throw ImapErrors.AuthenticationFailed(mechanism, e);
        }
        IsAuthenticated = true;
        if (!engine.CapabilitiesKnown)
        {
            engine.ResetCapabilities();
            await engine.RunAsync(new ImapCommand("CAPABILITY"), null, cancellationToken).ConfigureAwait(false);
        }
    }

    private void RequireNotAuthenticated()
    {
        if (IsAuthenticated)
            throw new InvalidOperationException("the client is already authenticated");
    }

    // RFC 3501 §6.2.1: after the tagged OK the TLS handshake starts at once; anything the server sent
    // after that OK but before TLS is an injection attempt (RFC 9051 §6.2.1 / CVE-2011-0411 class).
    internal Task StartTlsAsync(string host, TlsOptions? tls, CancellationToken cancellationToken) =>
        RunAsync(async (engine, ct) =>
        {
            if (!engine.Capabilities.HasFlag(ImapCapabilities.StartTls))
                throw new MailProtocolException($"IMAP server {host} does not offer STARTTLS; refusing to continue without TLS");
            await engine.RunAsync(new ImapCommand("STARTTLS"), null, ct).ConfigureAwait(false);
            if (engine.Reader.HasBufferedData)
                throw ImapErrors.Violation("the server sent data after its STARTTLS reply, before the TLS handshake");
            var ssl = await TlsNegotiator.AuthenticateAsClientAsync(_transport!, host, tls, ct).ConfigureAwait(false);
            _transport = ssl;
            engine.ReplaceStream(ssl);
            engine.ResetCapabilities();
            await engine.RunAsync(new ImapCommand("CAPABILITY"), null, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

}
