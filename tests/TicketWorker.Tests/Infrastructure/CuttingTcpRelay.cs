using System.Net.Sockets;

namespace TicketWorker.Tests.Infrastructure;

/// <summary>
/// A relay (bytes passed through unchanged, so TLS stays end to end) that can stop the server in
/// the middle of an answer: once armed, the next bytes the server sends are held back, the given
/// action runs (for example "stop Dovecot"), and the connection is then cut. The client therefore
/// loses the server halfway through a response on any machine, however fast it reads: a test of
/// "the server restarted during a FETCH" does not depend on when a stop lands. Connections made
/// after the cut are relayed again (refused while the server is down).
/// </summary>
public sealed class CuttingTcpRelay(int upstreamPort) : LoopbackRelay("127.0.0.1", upstreamPort)
{
    private Action? _armed;
    private readonly TaskCompletionSource<long> _cut = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the cut happened, with the bytes the server had sent on that connection before it.</summary>
    public Task<long> Cut => _cut.Task;

    /// <summary>On the next bytes from the server: hold them, run <paramref name="beforeCut"/>, cut the connection.</summary>
    public void Arm(Action beforeCut) => Volatile.Write(ref _armed, beforeCut);

    protected override async Task RelayAsync(NetworkStream client, NetworkStream server, CancellationToken cancellationToken)
    {
        long relayed = 0;
        var toServer = PumpAsync(client, server, _ => true, cancellationToken);
        var toClient = PumpAsync(server, client, chunk =>
        {
            if (Interlocked.Exchange(ref _armed, null) is { } beforeCut)
            {
                beforeCut();
                _cut.TrySetResult(relayed);
                return false;
            }
            relayed += chunk.Length;
            return true;
        }, cancellationToken);
        await Task.WhenAny(toServer, toClient);
    }
}
