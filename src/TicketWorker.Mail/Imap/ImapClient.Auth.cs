namespace TicketWorker.Mail.Imap;

public sealed partial class ImapClient
{
    /// <summary>
    /// LOGIN (RFC 3501 §6.2.3) with the user name and password sent as quoted strings, or literals when
    /// they contain 8-bit characters. A refusal throws the authentication-failed exception.
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
            await AuthenticateWithAsync(engine, () => engine.RunAsync(command, null, ct), ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    // Runs an authentication exchange; RFC 3501 §6.2.2/§6.2.3: capabilities may change after it, so
    // the old ones are forgotten and re-read unless the server sent them with its OK.
    private async Task AuthenticateWithAsync(ImapEngine engine, Func<Task<ImapResponse>> exchange, CancellationToken cancellationToken)
    {
        var previous = (engine.Capabilities, Mechanisms: engine.AuthenticationMechanisms.ToList());
        engine.ResetCapabilities();
        try
        {
            await exchange().ConfigureAwait(false);
        }
        catch (Exception e) when (ImapErrors.IsCommandFailure(e))
        {
            engine.RestoreCapabilities(previous.Capabilities, previous.Mechanisms);
            throw ImapErrors.AuthenticationFailed(e.Message, e);
        }
        IsAuthenticated = true;
        if (!engine.CapabilitiesKnown)
            await engine.RunAsync(new ImapCommand("CAPABILITY"), null, cancellationToken).ConfigureAwait(false);
    }

    private void RequireNotAuthenticated()
    {
        if (IsAuthenticated)
            throw new InvalidOperationException("the client is already authenticated");
    }
}
