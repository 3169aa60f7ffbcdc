using System.Net.Sockets;
using TicketWorker.Mail.Security;

namespace TicketWorker.Mail.Imap;

/// <summary>
/// An async IMAP4rev1 client (RFC 3501) with the extensions a ticket worker needs: STARTTLS,
/// SASL-IR, LITERAL+, UIDPLUS, MOVE, IDLE. One command runs at a time; calling a second method
/// while one runs (or while a fetch enumeration is open) throws <see cref="InvalidOperationException"/>.
/// NO/BAD replies throw the command-failed exception and the session lives on; a lost connection,
/// timeout or unparsable server data disconnects the client before the exception reaches the caller.
/// </summary>
public sealed partial class ImapClient : IAsyncDisposable
{
    private readonly ImapClientOptions _options;
    private ImapEngine? _engine;
    private Stream? _transport;
    private int _busy;

    /// <summary>Creates a disconnected client.</summary>
    public ImapClient(ImapClientOptions? options = null)
    {
        _options = options ?? new ImapClientOptions();
        var problems = new List<string>();
        if (_options.ConnectTimeout <= TimeSpan.Zero)
            problems.Add($"ConnectTimeout must be positive (is {_options.ConnectTimeout})");
        if (_options.CommandTimeout <= TimeSpan.Zero)
            problems.Add($"CommandTimeout must be positive (is {_options.CommandTimeout})");
        if (problems.Count > 0)
            throw new ArgumentException("invalid IMAP client options: " + string.Join("; ", problems), nameof(options));
    }

    /// <summary>True while the connection is usable.</summary>
    public bool IsConnected => _engine is not null;

    /// <summary>True after LOGIN, AUTHENTICATE or a PREAUTH greeting.</summary>
    public bool IsAuthenticated { get; private set; }

    /// <summary>The capabilities last announced by the server (re-read after STARTTLS and authentication).</summary>
    public ImapCapabilities Capabilities => _engine?.Capabilities ?? ImapCapabilities.None;

    /// <summary>SASL mechanisms the server offers (AUTH=…), upper case.</summary>
    public IReadOnlySet<string> AuthenticationMechanisms => _engine?.AuthenticationMechanisms ?? (IReadOnlySet<string>)new HashSet<string>();

    /// <summary>The selected folder with its current message count, or null.</summary>
    public FolderInfo? SelectedFolder => _engine?.Folder?.ToInfo();

    /// <summary>The greeting text of the server.</summary>
    public string? Greeting { get; private set; }

    /// <summary>
    /// Connects, reads the greeting and, for <see cref="ImapSecurity.StartTls"/>, upgrades to TLS before
    /// returning. Certificates are validated against <paramref name="tls"/> (system roots by default;
    /// <see cref="TlsOptions.TrustingCertificateFile"/> trusts one self-signed certificate).
    /// </summary>
    public async Task ConnectAsync(string host, int port, ImapSecurity security, TlsOptions? tls = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        if (_engine is not null)
            throw new InvalidOperationException("the client is already connected");
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimeout.CancelAfter(_options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream stream;
        try
        {
            await socket.ConnectAsync(host, port, connectTimeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (security == ImapSecurity.SslOnConnect)
                stream = await TlsNegotiator.AuthenticateAsClientAsync(stream, host, tls, connectTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw ImapErrors.ConnectionLost($"could not connect to {host}:{port} within {_options.ConnectTimeout}", e);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw ImapErrors.ConnectionLost($"could not connect to {host}:{port}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        await ConnectAsync(stream, cancellationToken).ConfigureAwait(false);
        if (security == ImapSecurity.StartTls)
            await StartTlsAsync(host, tls, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Connects over an already open stream (tests replay recorded servers this way) and reads the greeting.</summary>
    internal async Task ConnectAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (_engine is not null)
            throw new InvalidOperationException("the client is already connected");
        _transport = stream;
        _engine = new ImapEngine(stream, _options.ProtocolLog);
        await RunAsync(ReadGreetingAsync, cancellationToken).ConfigureAwait(false);
    }

    // RFC 3501 §7.1.1, §7.1.4, §7.1.5: greeting is OK, PREAUTH or BYE.
    private async Task<bool> ReadGreetingAsync(ImapEngine engine, CancellationToken cancellationToken)
    {
        var greeting = await engine.ReadResponseAsync(cancellationToken).ConfigureAwait(false);
        if (greeting.Kind != ImapResponseKind.Untagged || !greeting.IsComplete)
            throw ImapErrors.Violation($"expected a greeting but the server sent {greeting}");
        Greeting = greeting.Text;
        switch (greeting.Status)
        {
            case ImapStatus.Ok:
                IsAuthenticated = false;
                break;
            case ImapStatus.PreAuth:
                IsAuthenticated = true;
                break;
            case ImapStatus.Bye:
                throw ImapErrors.ConnectionLost("the server refused the connection: " + greeting.Text);
            default:
                throw ImapErrors.Violation($"expected a greeting but the server sent {greeting}");
        }
        if (!engine.CapabilitiesKnown)
            await engine.RunAsync(new ImapCommand("CAPABILITY"), null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Asks the server for its capabilities again (RFC 3501 §6.1.1).</summary>
    public Task<ImapCapabilities> RefreshCapabilitiesAsync(CancellationToken cancellationToken = default) =>
        RunAsync(async (engine, ct) =>
        {
            await engine.RunAsync(new ImapCommand("CAPABILITY"), null, ct).ConfigureAwait(false);
            return engine.Capabilities;
        }, cancellationToken);

    /// <summary>Sends NOOP (RFC 3501 §6.1.2) and returns the mailbox updates the server reported.</summary>
    public Task<MailboxChanges> NoopAsync(CancellationToken cancellationToken = default) =>
        RunAsync(async (engine, ct) =>
        {
            engine.Changes = new MailboxChanges();
            await engine.RunAsync(new ImapCommand("NOOP"), FlagUpdateHandler(engine), ct).ConfigureAwait(false);
            return engine.Changes;
        }, cancellationToken);

    /// <summary>Sends LOGOUT (RFC 3501 §6.1.3), reads the BYE and closes the connection.</summary>
    public async Task LogoutAsync(CancellationToken cancellationToken = default)
    {
        if (_engine is null)
            return;
        try
        {
            await RunAsync(async (engine, ct) =>
            {
                await engine.RunAsync(new ImapCommand("LOGOUT"), null, ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Abort();
        }
    }

    /// <summary>Logs out politely when idle and connected (bounded by a short timeout), then closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_engine is not null && Volatile.Read(ref _busy) == 0)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await LogoutAsync(cts.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Disposal must not throw; the connection is closed below either way.
            }
        }
        Abort();
    }

    /// <summary>Closes the connection at once without LOGOUT.</summary>
    public void Disconnect() => Abort();

    private void Abort()
    {
        var transport = _transport;
        _transport = null;
        _engine = null;
        IsAuthenticated = false;
        try
        {
            transport?.Dispose();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Already broken: nothing left to release.
        }
    }

    private ImapEngine EnterBusy()
    {
        var engine = _engine ?? throw new InvalidOperationException("the IMAP client is not connected");
        if (Interlocked.Exchange(ref _busy, 1) != 0)
            throw new InvalidOperationException("another IMAP command or fetch is still running on this client");
        return engine;
    }

    private void ExitBusy() => Volatile.Write(ref _busy, 0);

    /// <summary>Runs one protocol exchange with the command timeout, turning failures into the library's exception families.</summary>
    private async Task<T> RunAsync<T>(Func<ImapEngine, CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        var engine = EnterBusy();
        using var operation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        engine.Reader.InactivitySource = operation;
        engine.Reader.InactivityTimeout = _options.CommandTimeout;
        try
        {
            return await body(engine, operation.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var replacement = HandleFailure(e, engine, cancellationToken);
            if (replacement is null)
                throw;
            throw replacement;
        }
        finally
        {
            engine.Reader.InactivitySource = null;
            ExitBusy();
        }
    }

    /// <summary>
    /// Decides what a failure means for the session. Command failures keep it; everything else leaves
    /// the connection in an unknown state, so the client disconnects itself. Returns the exception to
    /// throw instead, or null to rethrow the original.
    /// </summary>
    private Exception? HandleFailure(Exception e, ImapEngine engine, CancellationToken callerToken)
    {
        // Command failures keep the session; argument and state checks happen before anything is sent.
        if (ImapErrors.IsCommandFailure(e) || e is ArgumentException or NotSupportedException or InvalidOperationException)
            return null;
        if (_engine == engine)
            Abort();
        if (e is OperationCanceledException)
        {
            return callerToken.IsCancellationRequested
                ? null
                : ImapErrors.ConnectionLost($"the server did not answer within {_options.CommandTimeout}", e);
        }
        if (ImapErrors.IsConnectionLost(e))
            return engine.ByeText is { } bye ? ImapErrors.ConnectionLost("the server said BYE: " + bye, e) : null;
        if (ImapErrors.IsViolation(e))
            return null;
        if (e is ObjectDisposedException or System.Net.Sockets.SocketException)
            return ImapErrors.ConnectionLost(e.Message, e);
        return null;
    }

    // Unsolicited FETCH responses (flag changes by other sessions) during NOOP, STORE, IDLE.
    private static Func<ImapResponse, CancellationToken, ValueTask<bool>> FlagUpdateHandler(ImapEngine engine) =>
        async (response, ct) =>
        {
            if (response.Keyword != "FETCH")
                return false;
            engine.Changes.FlagsChanged = true;
            await engine.Reader.SkipLineAsync(ct).ConfigureAwait(false);
            return true;
        };

    /// <summary>Validates a flag or keyword: an atom, optionally starting with a backslash (RFC 3501 §9 flag).</summary>
    internal static string CheckFlag(string flag)
    {
        ArgumentException.ThrowIfNullOrEmpty(flag);
        for (var i = 0; i < flag.Length; i++)
        {
            var c = flag[i];
            var ok = c > ' ' && c < 0x7F && c is not ('(' or ')' or '{' or '%' or '*' or '"' or ']')
                && (c != '\\' || i == 0);
            if (!ok)
                throw new ArgumentException($"'{flag}' is not a valid IMAP flag or keyword", nameof(flag));
        }
        return flag;
    }
}
