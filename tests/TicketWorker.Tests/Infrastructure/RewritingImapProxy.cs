using System.Net.Sockets;
using System.Text;

namespace TicketWorker.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy to an IMAP server (plain, no TLS) that removes every
/// <c>* OK [UIDNEXT n]</c> line from the server's answers: RFC 3501 §7.3.1 lets a server leave
/// UIDNEXT out of SELECT, Dovecot never does, some widely used servers do. Optionally it also hides
/// capabilities (IDLE, for the polling fallback) from every CAPABILITY list.
/// </summary>
public sealed class RewritingImapProxy(int upstreamPort, params string[] hiddenCapabilities) : LoopbackRelay("127.0.0.1", upstreamPort)
{
    private readonly string[] _hiddenCapabilities = hiddenCapabilities;
    private int _stripped;

    /// <summary>How many UIDNEXT lines were removed so far (a test checks the proxy did its job).</summary>
    public int Stripped => Volatile.Read(ref _stripped);

    protected override async Task RelayAsync(NetworkStream client, NetworkStream server, CancellationToken cancellationToken)
    {
        var toServer = client.CopyToAsync(server, cancellationToken);
        var toClient = FilterAsync(server, client, cancellationToken);
        await Task.WhenAny(toServer, toClient);
    }

    // Line by line from the server; literals ({n}) are passed through as bytes, unread.
    private async Task FilterAsync(NetworkStream server, NetworkStream client, CancellationToken cancellationToken)
    {
        var line = new MemoryStream();
        var buffer = new byte[64 * 1024];
        long literal = 0;
        int n;
        while ((n = await server.ReadAsync(buffer, cancellationToken)) > 0)
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
            await client.WriteAsync(output.GetBuffer().AsMemory(0, (int)output.Length), cancellationToken);
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
}
