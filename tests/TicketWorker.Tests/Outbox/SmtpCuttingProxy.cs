using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TicketWorker.Tests.Outbox;

/// <summary>
/// A loopback TCP relay in front of a real SMTP server that cuts its first connections in the
/// middle of the message data (after the server's 354 and part of the data), the way a network
/// drop does; later connections pass through untouched.
/// </summary>
internal sealed class SmtpCuttingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _host;
    private readonly int _port;
    private readonly Task _accepting;
    private int _connections;
    private int _cuts;

    public SmtpCuttingProxy(string host, int port, int connectionsToCut)
    {
        _host = host;
        _port = port;
        ConnectionsToCut = connectionsToCut;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int ConnectionsToCut { get; }

    /// <summary>How many connections were cut inside the message data.</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _accepting; } catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException) { }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var cut = Interlocked.Increment(ref _connections) <= ConnectionsToCut;
            _ = RelayAsync(client, cut);
        }
    }

    private async Task RelayAsync(TcpClient client, bool cut)
    {
        using var _ = client;
        using var server = new TcpClient();
        using var session = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        try
        {
            await server.ConnectAsync(_host, _port, session.Token);
            var inData = new TaskCompletionSource();
            var down = PumpAsync(server.GetStream(), client.GetStream(), chunk =>
            {
                // The server's 354: what the client sends next is message data.
                if (cut && Encoding.Latin1.GetString(chunk.Span).Contains("354 ", StringComparison.Ordinal)) inData.TrySetResult();
                return true;
            }, session.Token);
            var forwarded = 0;
            var up = PumpAsync(client.GetStream(), server.GetStream(), chunk =>
            {
                if (!inData.Task.IsCompleted) return true;
                forwarded += chunk.Length;
                // Let some data through, then drop both sides without the final ".".
                if (forwarded < 64) return true;
                Interlocked.Increment(ref _cuts);
                return false;
            }, session.Token);
            await Task.WhenAny(down, up);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Either side hung up or the test ended.
        }
        finally
        {
            await session.CancelAsync();
        }
    }

    // Copies until the source ends or the filter says stop (then the chunk is not forwarded).
    private static async Task PumpAsync(NetworkStream from, NetworkStream to, Func<ReadOnlyMemory<byte>, bool> forward, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, cancellationToken);
            if (read == 0 || !forward(buffer.AsMemory(0, read))) return;
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }
}
