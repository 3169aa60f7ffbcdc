using System.Net;
using System.Net.Sockets;
using TicketWorker.Mail.Protocol;
using TicketWorker.Mail.Security;

namespace TicketWorker.Mail.Smtp;

/// <summary>
/// An SMTP client (RFC 5321) for submitting mail: connect (plain, STARTTLS or implicit TLS),
/// authenticate with SASL, send any number of messages over the same connection, quit. One
/// operation at a time: the client is not meant to be used from several threads at once.
/// </summary>
/// <remarks>
/// Errors: <see cref="MailCommandException"/> when the server refuses something (the session lives
/// on; <see cref="MailCommandException.IsTransient"/> for 4xx), <see cref="ConnectionLostException"/>
/// and <see cref="ProtocolViolationException"/> when the connection is gone (reconnect),
/// <see cref="TlsCertificateException"/> when the server's certificate is not trusted.
/// </remarks>
public sealed partial class SmtpClient : IAsyncDisposable
{
    private static readonly HashSet<string> NoMechanisms = [];

    private SmtpConnection? _connection;
    private HashSet<string> _mechanisms = NoMechanisms;
    private int _transactions;
    private int _busy;
    private TimeSpan _timeout = TimeSpan.FromMinutes(2);
    private string _addressLiteral = "[127.0.0.1]";

    /// <summary>The longest the client waits for any single read or write; then the connection is closed.</summary>
    public TimeSpan Timeout
    {
        get => _timeout;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _timeout = value;
            if (_connection is not null)
            {
                _connection.Timeout = value;
            }
        }
    }

    /// <summary>The name sent with EHLO/HELO; null: this machine's name, or its address literal.</summary>
    public string? LocalDomain { get; set; }

    /// <summary>Receives every protocol line with credentials redacted and without message data.</summary>
    public ProtocolLogHandler? ProtocolLog { get; set; }

    /// <summary>
    /// Allows AUTH with mechanisms that send the secret (PLAIN, LOGIN, XOAUTH2) over a connection
    /// without TLS. Off by default; only for servers on loopback.
    /// </summary>
    public bool AllowAuthenticationWithoutTls { get; set; }

    /// <summary>
    /// Declares SMTPUTF8 (RFC 6531) for messages whose header section has raw UTF-8 when the server
    /// offers it. Off by default: such messages go as 8BITMIME, because a relay whose next hop lacks
    /// SMTPUTF8 bounces SMTPUTF8 mail. Non-ASCII envelope addresses always declare it.
    /// </summary>
    public bool RequestSmtpUtf8ForUtf8Headers { get; set; }

    /// <summary>True while a connection is open and usable.</summary>
    public bool IsConnected => _connection is { IsBroken: false };

    /// <summary>True when the connection is protected by TLS.</summary>
    public bool IsSecure => _connection is { IsBroken: false, IsSecure: true };

    /// <summary>True after a successful <see cref="AuthenticateAsync"/> on this connection.</summary>
    public bool IsAuthenticated { get; private set; }

    /// <summary>The server's greeting (the 220 reply).</summary>
    public SmtpReply? Greeting { get; private set; }

    /// <summary>The extensions of the last EHLO reply (re-read after STARTTLS).</summary>
    public SmtpCapabilities Capabilities { get; private set; }

    /// <summary>The SASL mechanisms the server offers (AUTH), upper case.</summary>
    public IReadOnlySet<string> AuthenticationMechanisms => _mechanisms;

    /// <summary>The server's message size limit from SIZE (RFC 1870 §4), or 0 when it announced none.</summary>
    public long MaxMessageSize { get; private set; }

    /// <summary>Opens a TCP connection and does greeting, EHLO and (per <paramref name="security"/>) TLS.</summary>
    public async Task ConnectAsync(string host, int port, SmtpSecurity security, TlsOptions? tls = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        if (IsConnected)
        {
            throw new InvalidOperationException("The client is already connected.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            _addressLiteral = socket.LocalEndPoint switch
            {
                IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip => $"[IPv6:{ip.Address}]",
                IPEndPoint ip => $"[{ip.Address}]",
                _ => _addressLiteral,
            };
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            throw new ConnectionLostException($"Could not connect to {host}:{port}: {ex.Message}", ex);
        }

        await ConnectAsync(new NetworkStream(socket, ownsSocket: true), host, security, tls, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the session over an already open transport (a proxy tunnel, or a scripted server in
    /// tests); the client owns the stream from now on. <paramref name="host"/> is the name the
    /// server's certificate is checked against.
    /// </summary>
    public async Task ConnectAsync(Stream transport, string host, SmtpSecurity security, TlsOptions? tls = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentException.ThrowIfNullOrEmpty(host);
        if (IsConnected)
        {
            throw new InvalidOperationException("The client is already connected.");
        }

        ResetSession();
        var connection = new SmtpConnection(transport, host, Timeout, ProtocolLog);
        _connection = connection;
        try
        {
            if (security == SmtpSecurity.SslOnConnect)
            {
                await connection.UpgradeToTlsAsync(tls, cancellationToken).ConfigureAwait(false);
            }

            // RFC 5321 §4.3.2: 220 greets; 554 (or anything else) refuses the session.
            var greeting = await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
            Greeting = greeting;
            if (greeting.Code != 220)
            {
                throw Refused("CONNECT", greeting);
            }

            await HelloAsync(cancellationToken).ConfigureAwait(false);
            if (security == SmtpSecurity.StartTls)
            {
                await StartTlsAsync(tls, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            connection.Break();
            throw;
        }
    }

    /// <summary>Checks that the server still answers (NOOP); cheap keep-alive between batches.</summary>
    public async Task NoOpAsync(CancellationToken cancellationToken = default)
    {
        using var _ = Enter();
        var reply = await CommandAsync("NOOP", cancellationToken).ConfigureAwait(false);
        if (!reply.IsSuccess)
        {
            throw Refused("NOOP", reply);
        }
    }

    /// <summary>Ends the session politely (QUIT) and closes the connection. Does nothing when not connected.</summary>
    public async Task QuitAsync(CancellationToken cancellationToken = default)
    {
        if (!IsConnected)
        {
            return;
        }

        using var _ = Enter();
        var connection = _connection!;
        try
        {
            // RFC 5321 §4.1.1.10: the server answers 221 and closes; the answer changes nothing.
            await CommandAsync("QUIT", cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectionLostException)
        {
            // Already gone: that is what QUIT wanted.
        }
        finally
        {
            connection.Break();
        }
    }

    /// <summary>Closes the connection without QUIT.</summary>
    public ValueTask DisposeAsync()
    {
        _connection?.Break();
        return ValueTask.CompletedTask;
    }

    private async Task HelloAsync(CancellationToken cancellationToken)
    {
        var domain = LocalDomain ?? DefaultLocalDomain();
        var reply = await CommandAsync($"EHLO {domain}", cancellationToken).ConfigureAwait(false);
        if (reply.IsSuccess)
        {
            ParseExtensions(reply);
            return;
        }

        // RFC 5321 §3.2: a server that does not know EHLO answers 500/502 (or 504/550); fall back to
        // HELO, which has no extensions.
        if (reply.IsPermanentFailure)
        {
            reply = await CommandAsync($"HELO {domain}", cancellationToken).ConfigureAwait(false);
            if (reply.IsSuccess)
            {
                Capabilities = SmtpCapabilities.None;
                _mechanisms = NoMechanisms;
                MaxMessageSize = 0;
                return;
            }
        }

        throw Refused("EHLO", reply);
    }

    private async Task StartTlsAsync(TlsOptions? tls, CancellationToken cancellationToken)
    {
        if (!Capabilities.HasFlag(SmtpCapabilities.StartTls))
        {
            throw new MailProtocolException(
                "The server does not offer STARTTLS, which this connection requires; nothing was sent in plain text.");
        }

        var reply = await CommandAsync("STARTTLS", cancellationToken).ConfigureAwait(false);
        if (reply.Code != 220)
        {
            throw Refused("STARTTLS", reply);
        }

        await _connection!.UpgradeToTlsAsync(tls, cancellationToken).ConfigureAwait(false);
        // RFC 3207 §4.2: forget everything learned before TLS and ask again.
        Capabilities = SmtpCapabilities.None;
        _mechanisms = NoMechanisms;
        await HelloAsync(cancellationToken).ConfigureAwait(false);
    }

    private void ParseExtensions(SmtpReply reply)
    {
        var capabilities = SmtpCapabilities.None;
        var mechanisms = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        long maxSize = 0;
        // The first line is the server's name and greeting; each further line is "KEYWORD params".
        foreach (var line in reply.Lines.Skip(1))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                continue;
            }

            var keyword = parts[0].ToUpperInvariant();
            // Old servers announce "AUTH=LOGIN PLAIN" next to or instead of "AUTH LOGIN PLAIN".
            if (keyword.StartsWith("AUTH=", StringComparison.Ordinal))
            {
                capabilities |= SmtpCapabilities.Authentication;
                mechanisms.Add(keyword[5..]);
                mechanisms.UnionWith(parts.Skip(1).Select(m => m.ToUpperInvariant()));
                continue;
            }

            switch (keyword)
            {
                case "SIZE":
                    capabilities |= SmtpCapabilities.Size;
                    maxSize = parts.Length > 1 && long.TryParse(parts[1], out var size) ? size : 0;
                    break;
                case "8BITMIME": capabilities |= SmtpCapabilities.EightBitMime; break;
                case "SMTPUTF8": capabilities |= SmtpCapabilities.SmtpUtf8; break;
                case "PIPELINING": capabilities |= SmtpCapabilities.Pipelining; break;
                case "STARTTLS": capabilities |= SmtpCapabilities.StartTls; break;
                case "ENHANCEDSTATUSCODES": capabilities |= SmtpCapabilities.EnhancedStatusCodes; break;
                case "DSN": capabilities |= SmtpCapabilities.Dsn; break;
                case "CHUNKING": capabilities |= SmtpCapabilities.Chunking; break;
                case "AUTH":
                    capabilities |= SmtpCapabilities.Authentication;
                    mechanisms.UnionWith(parts.Skip(1).Select(m => m.ToUpperInvariant()));
                    break;
            }
        }

        Capabilities = capabilities;
        _mechanisms = mechanisms;
        MaxMessageSize = maxSize;
    }

    private async Task<SmtpReply> CommandAsync(string command, CancellationToken cancellationToken, string? logText = null)
    {
        var connection = RequireConnection();
        connection.Queue(command, logText);
        await connection.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SmtpReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var connection = RequireConnection();
        var reply = await connection.ReadReplyAsync(cancellationToken).ConfigureAwait(false);
        if (reply.Code == 421)
        {
            // RFC 5321 §3.8: 421 means the server is closing the channel, whatever the command was.
            connection.Break();
        }

        return reply;
    }

    private SmtpConnection RequireConnection() =>
        _connection is { IsBroken: false } connection
            ? connection
            : throw new InvalidOperationException("The client is not connected: call ConnectAsync first.");

    private static MailCommandException Refused(string command, SmtpReply reply) =>
        new(command, reply.Text, reply.Code < 500, reply.Code, reply.EnhancedStatusCode);

    private void ResetSession()
    {
        Greeting = null;
        Capabilities = SmtpCapabilities.None;
        _mechanisms = NoMechanisms;
        MaxMessageSize = 0;
        IsAuthenticated = false;
        _transactions = 0;
    }

    private BusyScope Enter()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("Another operation is running on this SmtpClient; it handles one at a time.");
        }

        return new BusyScope(this);
    }

    private string DefaultLocalDomain()
    {
        // RFC 5321 §4.1.4: the client's FQDN, or an address literal when it has none.
        try
        {
            var name = Dns.GetHostName();
            if (name.Contains('.') && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-'))
            {
                return name;
            }
        }
        catch (SocketException)
        {
            // No resolvable name: use the literal below.
        }

        return _addressLiteral;
    }

    private readonly struct BusyScope(SmtpClient client) : IDisposable
    {
        public void Dispose() => Volatile.Write(ref client._busy, 0);
    }
}
