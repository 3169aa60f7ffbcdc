using System.Text;

namespace TicketWorker.Mail.Tests.Imap;

/// <summary>
/// A recorded IMAP server as an in-memory duplex stream. Script lines start with "S: " (the server
/// sends the rest plus CRLF), "C: " (the client must send exactly that line next), "EOF" (the server
/// closes the connection) or "HANG" (the server goes silent until the read is cancelled). Literal
/// contents are written as further "S: " lines; their CRLFs count toward the literal length.
/// </summary>
internal sealed class ScriptedImapServer : Stream
{
    private enum StepKind { Server, Client, Eof, Hang }

    private readonly List<(StepKind Kind, string Text)> _steps = [];
    private readonly object _gate = new();
    private readonly SemaphoreSlim _clientWrote = new(0);
    private readonly StringBuilder _clientPending = new();
    private byte[] _serverBytes = [];
    private int _serverOffset;
    private int _next;

    public ScriptedImapServer(string script)
    {
        foreach (var rawLine in script.Replace("\r\n", "\n").Split('\n'))
        {
            var line = rawLine.TrimStart();
            if (line.Length == 0)
                continue;
            if (line.StartsWith("S: ", StringComparison.Ordinal) || line == "S:")
                _steps.Add((StepKind.Server, line.Length > 3 ? line[3..] : string.Empty));
            else if (line.StartsWith("C: ", StringComparison.Ordinal) || line == "C:")
                _steps.Add((StepKind.Client, line.Length > 3 ? line[3..] : string.Empty));
            else if (line == "EOF")
                _steps.Add((StepKind.Eof, string.Empty));
            else if (line == "HANG")
                _steps.Add((StepKind.Hang, string.Empty));
            else
                throw new ArgumentException("bad script line: " + line);
        }
    }

    /// <summary>Lines the client sent that did not match the script.</summary>
    public List<string> Mismatches { get; } = [];

    /// <summary>Every line the client sent.</summary>
    public List<string> ClientLines { get; } = [];

    /// <summary>True when the client sent every line the script expects.</summary>
    public bool ClientLinesAllSent
    {
        get
        {
            lock (_gate)
                return !_steps.Skip(_next).Any(s => s.Kind == StepKind.Client);
        }
    }

    public bool IsDisposed { get; private set; }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            StepKind? waitFor = null;
            lock (_gate)
            {
                if (_serverOffset < _serverBytes.Length)
                {
                    // Hand out small pieces to exercise token and literal boundaries across reads.
                    var n = Math.Min(Math.Min(buffer.Length, _serverBytes.Length - _serverOffset), 37);
                    _serverBytes.AsMemory(_serverOffset, n).CopyTo(buffer);
                    _serverOffset += n;
                    return n;
                }
                if (_next >= _steps.Count)
                    return 0;
                var step = _steps[_next];
                switch (step.Kind)
                {
                    case StepKind.Server:
                        var sb = new StringBuilder();
                        while (_next < _steps.Count && _steps[_next].Kind == StepKind.Server)
                            sb.Append(_steps[_next++].Text).Append("\r\n");
                        _serverBytes = Encoding.UTF8.GetBytes(sb.ToString());
                        _serverOffset = 0;
                        continue;
                    case StepKind.Eof:
                        return 0;
                    default:
                        waitFor = step.Kind;
                        break;
                }
            }
            if (waitFor == StepKind.Hang)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            else
            {
                var remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero || !await _clientWrote.WaitAsync(remaining, cancellationToken))
                    throw new IOException("script: the client is reading but the script waits for it to send: " + _steps[_next].Text);
            }
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            _clientPending.Append(Encoding.UTF8.GetString(buffer));
            while (true)
            {
                var text = _clientPending.ToString();
                var crlf = text.IndexOf("\r\n", StringComparison.Ordinal);
                if (crlf < 0)
                    break;
                var line = text[..crlf];
                _clientPending.Remove(0, crlf + 2);
                ClientLines.Add(line);
                if (_next < _steps.Count && _steps[_next].Kind == StepKind.Client && _steps[_next].Text == line)
                    _next++;
                else
                    Mismatches.Add($"client sent '{line}' but the script expected " + (_next < _steps.Count ? $"{_steps[_next].Kind} '{_steps[_next].Text}'" : "nothing"));
            }
        }
        _clientWrote.Release();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        base.Dispose(disposing);
    }
}
