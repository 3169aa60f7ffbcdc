using System.Net.Sockets;
using System.Text;
using TicketWorker.Tests.Infrastructure;

namespace TicketWorker.Tests.Outbox;

/// <summary>
/// A loopback TCP relay in front of a real SMTP server that cuts its first connections in the
/// middle of the message data (after the server's 354 and part of the data), the way a network
/// drop does; later connections pass through untouched.
/// </summary>
internal sealed class SmtpCuttingProxy(string host, int port, int connectionsToCut) : LoopbackRelay(host, port)
{
    private int _connections;
    private int _cuts;

    public int ConnectionsToCut { get; } = connectionsToCut;

    /// <summary>How many connections were cut inside the message data.</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    protected override async Task RelayAsync(NetworkStream client, NetworkStream server, CancellationToken cancellationToken)
    {
        var cut = Interlocked.Increment(ref _connections) <= ConnectionsToCut;
        var inData = new TaskCompletionSource();
        var down = PumpAsync(server, client, chunk =>
        {
            // The server's 354: what the client sends next is message data.
            if (cut && Encoding.Latin1.GetString(chunk.Span).Contains("354 ", StringComparison.Ordinal)) inData.TrySetResult();
            return true;
        }, cancellationToken);
        var forwarded = 0;
        var up = PumpAsync(client, server, chunk =>
        {
            if (!inData.Task.IsCompleted) return true;
            forwarded += chunk.Length;
            // Let some data through, then drop both sides without the final ".".
            if (forwarded < 64) return true;
            Interlocked.Increment(ref _cuts);
            return false;
        }, cancellationToken);
        await Task.WhenAny(down, up);
    }
}
