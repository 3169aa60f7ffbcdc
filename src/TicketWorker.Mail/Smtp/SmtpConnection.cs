using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using TicketWorker.Mail.Protocol;
using TicketWorker.Mail.Security;

namespace TicketWorker.Mail.Smtp;

/// <summary>
/// The byte level of one SMTP session: reads replies (multi-line, RFC 5321 §4.2.1), writes command
/// lines and message data, upgrades to TLS, applies the timeout to every read and write, and turns
/// I/O failures into <see cref="ConnectionLostException"/>. After any failure it is broken for good.
/// </summary>
internal sealed class SmtpConnection : IAsyncDisposable
{
    // RFC 5321 §4.5.3.1.5 allows 512-octet reply lines; real servers exceed it, so be generous
    // but bounded: a server that never sends a line feed must not exhaust memory.
    private const int MaxLineLength = 8192;
    private const int MaxReplyLines = 1000;

    private readonly string _host;
    private readonly ProtocolLogHandler? _log;
    private readonly ArrayBufferWriter<byte> _pending = new(1024);
    private readonly byte[] _buffer = new byte[MaxLineLength + 2];
    private Stream _stream;
    private int _start;
    private int _end;

    public SmtpConnection(Stream stream, string host, TimeSpan timeout, ProtocolLogHandler? log)
    {
        _stream = stream;
        _host = host;
        Timeout = timeout;
        _log = log;
    }

    /// <summary>The longest any single read, write or handshake may take.</summary>
    public TimeSpan Timeout { get; set; }

    /// <summary>True once an I/O failure, timeout, cancellation or protocol violation ended the session.</summary>
    public bool IsBroken { get; private set; }

    /// <summary>True when the stream is TLS.</summary>
    public bool IsSecure => _stream is SslStream;

    /// <summary>Reads one complete reply.</summary>
    public async Task<SmtpReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var code = 0;
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            _log?.Invoke(ProtocolDirection.Server, line);
            // reply-line = code [ ("-" / SP) textstring ] CRLF; a bare "250" ends a reply too.
            if (line.Length < 3 || !char.IsAsciiDigit(line[0]) || !char.IsAsciiDigit(line[1]) || !char.IsAsciiDigit(line[2])
                || (line.Length > 3 && line[3] is not (' ' or '-')))
            {
                throw Violation($"The server sent a line that is not an SMTP reply: \"{Shorten(line)}\".");
            }

            // The code of the last line counts; RFC 5321 requires them all equal and some servers differ.
            code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
            lines.Add(line.Length > 4 ? line[4..] : "");
            if (line.Length == 3 || line[3] == ' ')
            {
                break;
            }

            if (lines.Count >= MaxReplyLines)
            {
                throw Violation($"The server sent a reply of more than {MaxReplyLines} lines.");
            }
        }

        if (code is < 200 or > 599)
        {
            throw Violation($"The server sent the reply code {code}, which SMTP does not define.");
        }

        return new SmtpReply(code, lines);
    }

    /// <summary>Queues a command line; <paramref name="logText"/> replaces it in the protocol log (redaction).</summary>
    public void Queue(string command, string? logText = null)
    {
        _log?.Invoke(ProtocolDirection.Client, logText ?? command);
        var count = Encoding.UTF8.GetByteCount(command);
        var span = _pending.GetSpan(count + 2);
        Encoding.UTF8.GetBytes(command, span);
        span[count] = (byte)'\r';
        span[count + 1] = (byte)'\n';
        _pending.Advance(count + 2);
    }

    /// <summary>Sends every queued command in one write (a PIPELINING group, RFC 2920 §3.1).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.WrittenCount == 0)
        {
            return;
        }

        var bytes = _pending.WrittenMemory;
        await WriteAsync(bytes, flush: true, cancellationToken).ConfigureAwait(false);
        _pending.ResetWrittenCount();
    }

    /// <summary>Writes message data as is (already dot-stuffed by the caller).</summary>
    public Task WriteDataAsync(ReadOnlyMemory<byte> data, bool flush, CancellationToken cancellationToken) =>
        WriteAsync(data, flush, cancellationToken);

    /// <summary>Starts TLS on the connection (implicit TLS or after a 220 reply to STARTTLS).</summary>
    public async Task UpgradeToTlsAsync(TlsOptions? options, CancellationToken cancellationToken)
    {
        // RFC 3207 §4.2 / CVE-2011-0411: bytes the server sent before the handshake must not be
        // taken as if they had come over TLS.
        if (_start != _end)
        {
            throw Violation("The server sent data after its reply to STARTTLS, before the TLS handshake.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            _stream = await TlsNegotiator.AuthenticateAsClientAsync(_stream, _host, options, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Break();
            throw new ConnectionLostException($"The TLS handshake with {_host} did not finish within {Timeout}.", new TimeoutException());
        }
        catch
        {
            Break();
            throw;
        }
    }

    /// <summary>Marks the connection broken and closes the stream.</summary>
    public void Break()
    {
        if (IsBroken)
        {
            return;
        }

        IsBroken = true;
        try
        {
            _stream.Dispose();
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // Closing a connection that is already broken may fail the same way again.
        }
    }

    public ValueTask DisposeAsync()
    {
        Break();
        return ValueTask.CompletedTask;
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanned = _start;
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', scanned, _end - scanned);
            if (lf >= 0)
            {
                var length = lf - _start;
                if (length > 0 && _buffer[lf - 1] == '\r')
                {
                    length--;
                }

                var line = Encoding.UTF8.GetString(_buffer, _start, length);
                _start = lf + 1;
                return line;
            }

            if (_end - _start >= MaxLineLength)
            {
                throw Violation($"The server sent a line longer than {MaxLineLength} bytes.");
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            scanned = _end;
            var read = await ReadSomeAsync(cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                Break();
                throw new ConnectionLostException($"{_host} closed the connection.");
            }

            _end += read;
        }
    }

    private async Task<int> ReadSomeAsync(CancellationToken cancellationToken)
    {
        EnsureUsable();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            return await _stream.ReadAsync(_buffer.AsMemory(_end), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw Translate(ex, cancellationToken, "waiting for a reply");
        }
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> data, bool flush, CancellationToken cancellationToken)
    {
        EnsureUsable();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await _stream.WriteAsync(data, timeout.Token).ConfigureAwait(false);
            if (flush)
            {
                await _stream.FlushAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            throw Translate(ex, cancellationToken, "sending");
        }
    }

    private Exception Translate(Exception ex, CancellationToken cancellationToken, string activity)
    {
        // Whatever happened, the stream position is unknown now: the session cannot continue.
        Break();
        return ex switch
        {
            OperationCanceledException when cancellationToken.IsCancellationRequested => ex,
            OperationCanceledException => new ConnectionLostException(
                $"No progress {activity} with {_host} within {Timeout}: the connection was closed.", new TimeoutException(ex.Message, ex)),
            IOException or SocketException or ObjectDisposedException => new ConnectionLostException(
                $"The connection to {_host} broke while {activity}: {ex.Message}", ex),
            _ => ex,
        };
    }

    private void EnsureUsable()
    {
        if (IsBroken)
        {
            throw new ConnectionLostException($"The connection to {_host} is closed.");
        }
    }

    private ProtocolViolationException Violation(string message)
    {
        Break();
        return new ProtocolViolationException(message);
    }

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..80] + "…";
}
