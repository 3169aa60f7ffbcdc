using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TicketWorker.Tests.Outbox;

/// <summary>
/// A loopback SMTP server that answers every command with 250 (DATA with 354, then a chosen final
/// reply), for what Postfix will not do on demand: a 4xx to DATA, chosen EHLO extensions, counting
/// connections and RSETs, and keeping the exact bytes of each message it received.
/// </summary>
internal sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    public ScriptedSmtpServer(string dataReply)
    {
        DataReply = dataReply;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The reply to the end of the message data, e.g. "451 4.3.0 Try again later".</summary>
    public string DataReply { get; set; }

    /// <summary>How long the server waits before its greeting (to catch a client while it connects).</summary>
    public TimeSpan GreetingDelay { get; set; }

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Extensions announced in the EHLO reply (e.g. "DSN", "SIZE 1000"); none by default.</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [];

    /// <summary>The reply to RCPT per address (e.g. "450 4.2.1 Mailbox busy"); 250 when null or when it returns null.</summary>
    public Func<string, string?>? RecipientReply { get; init; }

    /// <summary>The data of each message received, dot-stuffing undone (RFC 5321 §4.5.2), in order.</summary>
    public ConcurrentQueue<byte[]> Messages { get; } = new();

    /// <summary>Command lines in the order received (all connections).</summary>
    public ConcurrentQueue<string> Commands { get; } = new();

    /// <summary>How many commands with this verb arrived.</summary>
    public int Count(string verb) => Commands.Count(c => c.Split(' ')[0].Equals(verb, StringComparison.OrdinalIgnoreCase));

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
            var socket = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(TcpClient socket)
    {
        using var _ = socket;
        try
        {
            var stream = socket.GetStream();
            // Latin-1 maps each byte to one char, so message data is kept byte for byte.
            using var reader = new StreamReader(stream, Encoding.Latin1);
            async Task Reply(string text) => await stream.WriteAsync(Encoding.ASCII.GetBytes(text + "\r\n"), _stop.Token);
            async Task ReplyLines(IReadOnlyList<string> lines)
            {
                for (var i = 0; i < lines.Count; i++)
                {
                    await Reply((i == lines.Count - 1 ? "250 " : "250-") + lines[i]);
                }
            }

            await Task.Delay(GreetingDelay, _stop.Token);
            await Reply("220 scripted.example.test ESMTP");
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ')[0].ToUpperInvariant();
                Commands.Enqueue(line);
                switch (verb)
                {
                    case "DATA":
                        await Reply("354 End data with <CR><LF>.<CR><LF>");
                        var message = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token) is { } data && data != ".")
                        {
                            message.Append(data.StartsWith('.') ? data[1..] : data).Append("\r\n");
                        }

                        Messages.Enqueue(Encoding.Latin1.GetBytes(message.ToString()));
                        await Reply(DataReply);
                        break;
                    case "RCPT":
                        var address = line[(line.IndexOf('<') + 1)..line.IndexOf('>')];
                        await Reply(RecipientReply?.Invoke(address) ?? "250 2.1.5 OK");
                        break;
                    case "EHLO":
                        await ReplyLines(["scripted.example.test", .. Extensions]);
                        break;
                    case "QUIT":
                        await Reply("221 2.0.0 Bye");
                        return;
                    default:
                        await Reply("250 2.0.0 OK");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client hung up or the test ended.
        }
    }
}
