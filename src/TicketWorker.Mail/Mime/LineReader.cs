using System.Buffers;

namespace TicketWorker.Mail.Mime;

/// <summary>
/// Buffered reader that hands out lines (with their line ending) as spans of its own buffer.
/// A line longer than the buffer comes out in several segments; only the first has
/// <see cref="AtLineStart"/> set, which is all the boundary detection needs.
/// </summary>
internal sealed class LineReader(Stream stream, int bufferSize = 64 * 1024) : IDisposable
{
    // Pooled: a parse of a small message should not allocate a fresh 64 KB buffer.
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    private int _start;
    private int _end;
    private bool _eof;
    private bool _continuing;
    private int _lineStart;
    private int _lineLength;

    /// <summary>Bytes read from the stream so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The current segment, including its LF (and CR) if it has one.</summary>
    public ReadOnlySpan<byte> Line => _buffer.AsSpan(_lineStart, _lineLength);

    /// <summary>True when the current segment starts a line (false for the tail of an over-long line).</summary>
    public bool AtLineStart { get; private set; }

    /// <summary>True when the current segment ends with LF.</summary>
    public bool HasLineEnd { get; private set; }

    /// <summary>Moves to the next segment; false at the end of the stream.</summary>
    public ValueTask<bool> ReadLineAsync(CancellationToken cancellationToken)
    {
        if (TryTakeLine()) return ValueTask.FromResult(true);
        return FillAndReadAsync(cancellationToken);
    }

    private async ValueTask<bool> FillAndReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_eof)
            {
                if (_start >= _end) return false;
                Take(_end - _start, hasLineEnd: false);
                return true;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
            {
                // No LF in a whole buffer: hand out what we have as a segment of a long line.
                Take(_end, hasLineEnd: false);
                return true;
            }
            var n = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (n == 0) _eof = true;
            _end += n;
            BytesRead += n;
            if (TryTakeLine()) return true;
        }
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    private bool TryTakeLine()
    {
        var lf = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
        if (lf < 0) return false;
        Take(lf + 1, hasLineEnd: true);
        return true;
    }

    private void Take(int length, bool hasLineEnd)
    {
        _lineStart = _start;
        _lineLength = length;
        _start += length;
        AtLineStart = !_continuing;
        HasLineEnd = hasLineEnd;
        _continuing = !hasLineEnd;
    }
}
