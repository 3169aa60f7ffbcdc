using System.Net;
using System.Net.Sockets;

namespace TicketWorker.Tests.Infrastructure;

/// <summary>
/// A loopback TCP relay to a server (bytes passed through unchanged, so TLS stays end to end) that
/// can stop the server in the middle of an answer: once armed, the next bytes the server sends are
/// held back, the given action runs (for example "stop Dovecot"), and the connection is then cut.
/// The client therefore loses the server halfway through a response, on any machine, however fast
/// it reads; a test of "the server restarted during a FETCH" does not depend on when a stop lands.
/// Connections made after the cut are relayed again (refused while the server is down).
/// </summary>
public sealed class CuttingTcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly int _upstreamPort;
    private readonly List<Task> _connections = [];
    private Action? _armed;
    private readonly TaskCompletionSource<long> _cut = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CuttingTcpRelay(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Completes once the cut happened, with the bytes the server had sent on that connection before it.</summary>
    public Task<long> Cut => _cut.Task;

    /// <summary>On the next bytes from the server: hold them, run <paramref name="beforeCut"/>, cut the connection.</summary>
    public void Arm(Action beforeCut) => Volatile.Write(ref _armed, beforeCut);

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
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return;
        }
        using var both = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var toServer = PumpAsync(client.GetStream(), upstream.GetStream(), null, both.Token);
        var toClient = PumpAsync(upstream.GetStream(), client.GetStream(), this, both.Token);
        await Task.WhenAny(toServer, toClient);
        // Either side ending (or the cut) ends the connection for both.
        await both.CancelAsync();
        client.Client.Close();
        upstream.Client.Close();
        await Task.WhenAll(toServer, toClient);
    }

    private static async Task PumpAsync(NetworkStream from, NetworkStream to, CuttingTcpRelay? cutter, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        long relayed = 0;
        try
        {
            while (true)
            {
                var n = await from.ReadAsync(buffer, cancellationToken);
                if (n == 0) return;
                if (cutter is not null && Interlocked.Exchange(ref cutter._armed, null) is { } beforeCut)
                {
                    beforeCut();
                    cutter._cut.TrySetResult(relayed);
                    return;
                }
                await to.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                relayed += n;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] connections;
        lock (_connections) connections = [.. _connections];
        await Task.WhenAll(connections);
        _stop.Dispose();
    }
}
