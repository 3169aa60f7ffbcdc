using System.Text;

namespace TicketWorker.Mail.Tests.Infrastructure;

/// <summary>
/// A fake server transport that plays a recorded transcript, for replies a real local server will
/// not produce. Script lines:
/// <list type="bullet">
/// <item><c>S: text</c> the server sends "text" CRLF (consecutive S lines go out together);</item>
/// <item><c>C: text</c> the client must send exactly this line next (a trailing <c>*</c> matches any rest);</item>
/// <item><c>D:</c> the client sends message data up to and including the "." line (kept in <see cref="Data"/>);</item>
/// <item><c>DROP</c> the server closes the connection (reads return end of stream, writes vanish);</item>
/// <item><c>HANG</c> the server stops answering (reads wait until cancelled).</item>
/// </list>
/// A client that waits for a reply while the script still expects it to send something fails
/// with the line it should have sent: that is how the tests see that commands were pipelined.
/// </summary>
public sealed class ScriptedServerStream : Stream
{
    private readonly Queue<string> _script;
    private readonly MemoryStream _fromClient = new();
    private readonly List<byte> _pendingClientBytes = [];
    private readonly List<byte[]> _data = [];
    private List<byte>? _currentData;
    private byte[] _toClient = [];
    private int _toClientOffset;
    private bool _dropped;

    /// <summary>Creates the stream from script lines (see the class summary).</summary>
    public ScriptedServerStream(params string[] script)
    {
        _script = new Queue<string>(script);
    }

    /// <summary>Everything the client sent, as text.</summary>
    public string ClientText => Encoding.UTF8.GetString(_fromClient.ToArray());

    /// <summary>The message data of each D: step, as sent (dot-stuffed, without the final ".").</summary>
    public IReadOnlyList<byte[]> Data => _data;

    /// <summary>Where the script failed (a line the client sent that does not match), or null.</summary>
    public string? Mismatch { get; private set; }

    /// <summary>True when the client closed the stream.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>True when every script step has been played.</summary>
    public bool IsComplete => _script.Count == 0;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = ReadCore(buffer);
        return read >= 0 ? read : throw new NotSupportedException("HANG needs ReadAsync (it waits for cancellation).");
    }

    // Returns -1 for HANG: the async read then waits until it is cancelled.
    private int ReadCore(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (_toClientOffset == _toClient.Length)
        {
            if (_script.TryPeek(out var next) && (next.StartsWith("C:", StringComparison.Ordinal) || next.StartsWith("D:", StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"The client waits for a reply but the script expects it to send \"{next}\" first.");
            }

            if (_dropped || !_script.TryPeek(out next) || next == "DROP")
            {
                if (next == "DROP")
                {
                    _script.Dequeue();
                }

                _dropped = true;
                return 0;
            }

            if (next == "HANG")
            {
                return -1;
            }

            var lines = new StringBuilder();
            while (_script.TryPeek(out next) && next.StartsWith("S:", StringComparison.Ordinal))
            {
                lines.Append(next[2..].TrimStart(' ')).Append("\r\n");
                _script.Dequeue();
            }

            _toClient = Encoding.UTF8.GetBytes(lines.ToString());
            _toClientOffset = 0;
        }

        var count = Math.Min(buffer.Length, _toClient.Length - _toClientOffset);
        _toClient.AsSpan(_toClientOffset, count).CopyTo(buffer);
        _toClientOffset += count;
        return count;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var read = ReadCore(buffer.Span);
        if (read < 0)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (_dropped)
        {
            return;
        }

        _fromClient.Write(buffer);
        _pendingClientBytes.AddRange(buffer.ToArray());
        ConsumeClientLines();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        base.Dispose(disposing);
    }

    private void ConsumeClientLines()
    {
        while (true)
        {
            var lf = _pendingClientBytes.IndexOf((byte)'\n');
            if (lf < 0)
            {
                return;
            }

            var raw = _pendingClientBytes.GetRange(0, lf + 1).ToArray();
            _pendingClientBytes.RemoveRange(0, lf + 1);
            var line = Encoding.UTF8.GetString(raw).TrimEnd('\r', '\n');
            if (_currentData is not null)
            {
                if (line == ".")
                {
                    _data.Add([.. _currentData]);
                    _currentData = null;
                    _script.Dequeue();
                }
                else
                {
                    _currentData.AddRange(raw);
                }

                continue;
            }

            if (!_script.TryPeek(out var expected) || !(expected.StartsWith("C:", StringComparison.Ordinal) || expected.StartsWith("D:", StringComparison.Ordinal)))
            {
                Mismatch ??= $"The client sent \"{line}\" but the script expected {(expected is null ? "nothing" : $"\"{expected}\"")}.";
                continue;
            }

            if (expected.StartsWith("D:", StringComparison.Ordinal))
            {
                _currentData = [.. raw];
                if (line == ".")
                {
                    _data.Add([]);
                    _currentData = null;
                    _script.Dequeue();
                }

                continue;
            }

            var pattern = expected[2..].TrimStart(' ');
            var matches = pattern.EndsWith('*') ? line.StartsWith(pattern[..^1], StringComparison.Ordinal) : line == pattern;
            if (!matches)
            {
                Mismatch ??= $"The client sent \"{line}\" but the script expected \"{pattern}\".";
            }

            _script.Dequeue();
        }
    }
}
