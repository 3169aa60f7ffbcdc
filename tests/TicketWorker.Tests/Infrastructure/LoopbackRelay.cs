using System.Net;
using System.Net.Sockets;

namespace TicketWorker.Tests.Infrastructure;

/// <summary>
/// A loopback TCP relay in front of a real server, for tests that disturb its connections: every
/// accepted connection gets one to the server, and the subclass decides what passes between them
/// (<see cref="RelayAsync(NetworkStream, NetworkStream, CancellationToken)"/>). When either side
/// ends, so does the other. A server that refuses the connection (it is down) gets the client's closed.
/// </summary>
public abstract class LoopbackRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly string _host;
    private readonly int _port;
    private readonly Task _accepting;

    protected LoopbackRelay(string host, int port)
    {
        _host = host;
        _port = port;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Passes bytes between the client and the server until one side ends (or the relay stops).</summary>
    protected abstract Task RelayAsync(NetworkStream client, NetworkStream server, CancellationToken cancellationToken);

    /// <summary>Copies until the source ends or <paramref name="forward"/> says stop (that chunk is then not passed on).</summary>
    protected static async Task PumpAsync(NetworkStream from, NetworkStream to, Func<ReadOnlyMemory<byte>, bool> forward, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, cancellationToken);
            if (read == 0 || !forward(buffer.AsMemory(0, read))) return;
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

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
            lock (_connections) _connections.Add(ConnectAsync(client));
        }
    }

    private async Task ConnectAsync(TcpClient client)
    {
        using var _ = client;
        using var server = new TcpClient();
        using var session = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        try
        {
            await server.ConnectAsync(_host, _port, session.Token);
            await RelayAsync(client.GetStream(), server.GetStream(), session.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side left, the server refused, or the test ended.
        }
        finally
        {
            await session.CancelAsync();
        }
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
        GC.SuppressFinalize(this);
    }
}
