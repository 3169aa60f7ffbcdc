using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TicketWorker.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy to an IMAP server (plain, no TLS) that removes every
/// <c>* OK [UIDNEXT n]</c> line from the server's answers: RFC 3501 §7.3.1 lets a server leave
/// UIDNEXT out of SELECT, Dovecot never does, some widely used servers do. Optionally it also hides
/// capabilities (IDLE, for the polling fallback) from every CAPABILITY list.
/// </summary>
public sealed class RewritingImapProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly int _upstreamPort;
    private readonly List<Task> _connections = [];
    private int _stripped;

    private readonly string[] _hiddenCapabilities;

    public RewritingImapProxy(int upstreamPort, params string[] hiddenCapabilities)
    {
        _upstreamPort = upstreamPort;
        _hiddenCapabilities = hiddenCapabilities;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many UIDNEXT lines were removed so far (a test checks the proxy did its job).</summary>
    public int Stripped => Volatile.Read(ref _stripped);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            lock (_connections) _connections.Add(RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var _ = client;
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
            var down = client.GetStream();
            var up = upstream.GetStream();
            var toServer = down.CopyToAsync(up, _stop.Token);
            var toClient = FilterAsync(up, down);
            await Task.WhenAny(toServer, toClient);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side left: so does the other.
        }
    }

    // Line by line from the server; literals ({n}) are passed through as bytes, unread.
    private async Task FilterAsync(NetworkStream server, NetworkStream client)
    {
        var line = new MemoryStream();
        var buffer = new byte[64 * 1024];
        long literal = 0;
        int n;
        while ((n = await server.ReadAsync(buffer, _stop.Token)) > 0)
        {
            var output = new MemoryStream();
            for (var i = 0; i < n; i++)
            {
                if (literal > 0)
                {
                    var take = (int)Math.Min(literal, n - i);
                    output.Write(buffer, i, take);
                    literal -= take;
                    i += take - 1;
                    continue;
                }
                line.WriteByte(buffer[i]);
                if (buffer[i] != (byte)'\n') continue;
                var text = Encoding.Latin1.GetString(line.GetBuffer(), 0, (int)line.Length);
                if (text.StartsWith("* OK [UIDNEXT ", StringComparison.Ordinal)) Interlocked.Increment(ref _stripped);
                else if (_hiddenCapabilities.Length > 0 && text.Contains("CAPABILITY ", StringComparison.Ordinal)) output.Write(Encoding.Latin1.GetBytes(HideCapabilities(text)));
                else output.Write(line.GetBuffer(), 0, (int)line.Length);
                literal = LiteralLength(text);
                line.SetLength(0);
            }
            await client.WriteAsync(output.GetBuffer().AsMemory(0, (int)output.Length), _stop.Token);
        }
    }

    private string HideCapabilities(string line)
    {
        foreach (var name in _hiddenCapabilities)
            line = line.Replace(" " + name + " ", " ", StringComparison.Ordinal).Replace(" " + name + "]", "]", StringComparison.Ordinal).Replace(" " + name + "\r", "\r", StringComparison.Ordinal);
        return line;
    }

    private static long LiteralLength(string line)
    {
        // RFC 3501 §4.3: a line ending in {n} announces n bytes of literal data.
        var trimmed = line.TrimEnd('\r', '\n');
        if (!trimmed.EndsWith('}')) return 0;
        var open = trimmed.LastIndexOf('{');
        return open >= 0 && long.TryParse(trimmed.AsSpan(open + 1, trimmed.Length - open - 2), out var length) ? length : 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] open;
        lock (_connections) open = [.. _connections];
        await Task.WhenAll(open).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }
}
