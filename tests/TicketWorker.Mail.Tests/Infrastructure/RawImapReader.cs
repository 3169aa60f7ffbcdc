using System.Net.Sockets;
using System.Text;

namespace TicketWorker.Mail.Tests.Infrastructure;

/// <summary>
/// A deliberately minimal raw IMAP exchange (LOGIN, EXAMINE, UID SEARCH, UID FETCH BODY.PEEK[])
/// so SMTP tests can check delivery independently of the library's own IMAP client.
/// </summary>
public static class RawImapReader
{
    /// <summary>
    /// Waits (bounded) until a message with the given Message-ID is in the user's INBOX and returns
    /// its bytes, or null when it did not arrive within <paramref name="wait"/>.
    /// </summary>
    public static async Task<byte[]?> WaitForMessageAsync(string user, string messageId, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(MailStack.Host, MailStack.ImapPort, cancellationToken);
        await using var stream = client.GetStream();
        var session = new Session(stream);
        await session.ReadLineAsync(cancellationToken); // greeting
        await session.CommandAsync($"LOGIN \"{MailStack.Address(user)}\" \"{MailStack.Password}\"", cancellationToken);
        await session.CommandAsync("EXAMINE INBOX", cancellationToken);
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var search = await session.CommandAsync($"UID SEARCH HEADER Message-ID \"{messageId}\"", cancellationToken);
            var uid = search.Select(Encoding.ASCII.GetString)
                .Where(l => l.StartsWith("* SEARCH ", StringComparison.Ordinal))
                .SelectMany(l => l[9..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .FirstOrDefault();
            if (uid is not null)
            {
                await session.CommandAsync($"UID FETCH {uid} BODY.PEEK[]", cancellationToken);
                return session.LastLiteral;
            }

            if (DateTime.UtcNow > deadline)
            {
                return null;
            }

            await Task.Delay(50, cancellationToken);
            await session.CommandAsync("NOOP", cancellationToken);
        }
    }

    private sealed class Session(NetworkStream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;
        private int _tag;

        public byte[]? LastLiteral { get; private set; }

        public async Task<List<byte[]>> CommandAsync(string command, CancellationToken cancellationToken)
        {
            var tag = $"t{++_tag}";
            await stream.WriteAsync(Encoding.UTF8.GetBytes($"{tag} {command}\r\n"), cancellationToken);
            var lines = new List<byte[]>();
            while (true)
            {
                var line = await ReadLineAsync(cancellationToken);
                var text = Encoding.ASCII.GetString(line);
                if (text.EndsWith('}') && text.LastIndexOf('{') is var open and >= 0
                    && int.TryParse(text.AsSpan(open + 1, text.Length - open - 2), out var size))
                {
                    LastLiteral = await ReadExactAsync(size, cancellationToken);
                }

                lines.Add(line);
                if (text.StartsWith(tag + " ", StringComparison.Ordinal))
                {
                    if (!text.StartsWith(tag + " OK", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException($"IMAP {command.Split(' ')[0]} failed: {text}");
                    }

                    return lines;
                }
            }
        }

        public async Task<byte[]> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (lf >= 0)
                {
                    var line = _buffer.AsSpan(_start, lf - _start).TrimEnd((byte)'\r').ToArray();
                    _start = lf + 1;
                    return line;
                }

                await FillAsync(cancellationToken);
            }
        }

        private async Task<byte[]> ReadExactAsync(int size, CancellationToken cancellationToken)
        {
            var result = new byte[size];
            var copied = 0;
            while (copied < size)
            {
                if (_start == _end)
                {
                    await FillAsync(cancellationToken);
                }

                var count = Math.Min(size - copied, _end - _start);
                _buffer.AsSpan(_start, count).CopyTo(result.AsSpan(copied));
                _start += count;
                copied += count;
            }

            return result;
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new InvalidOperationException("IMAP line too long for the raw reader.");
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                throw new IOException("The IMAP server closed the connection.");
            }

            _end += read;
        }
    }
}
