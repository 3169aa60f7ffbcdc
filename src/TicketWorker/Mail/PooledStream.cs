using System.Buffers;

namespace TicketWorker.Mail;

/// <summary>
/// A memory stream over a rented array, given back on dispose. For bytes that live only a moment (a text part's
/// decoded bytes until they are its string): a large part's buffer is then reused instead of being a new array on
/// the large-object heap each time, whose allocations start full collections. Nothing may use it after it is disposed.
/// </summary>
internal sealed class PooledStream(int capacity) : Stream
{
    // Its own small pool rather than the shared one, which keeps arrays per thread and per core: a few arrays of
    // each size up to 4 MB are kept here (larger ones are allocated and dropped), so what it holds stays a few MB.
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(4 * 1024 * 1024, 2);

    private byte[] _bytes = Pool.Rent(Math.Max(capacity, 1));
    private int _length;
    private int _position;
    private bool _disposed;

    /// <summary>The bytes written, to read or change in place (valid until the next write or dispose).</summary>
    public Span<byte> Written
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _bytes.AsSpan(0, _length);
        }
    }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var count = Math.Max(0, Math.Min(buffer.Length, _length - _position));
        _bytes.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var end = (long)_position + buffer.Length;
        if (end > Array.MaxLength) throw new IOException("stream too long");
        Reserve((int)end);
        if (_position > _length) _bytes.AsSpan(_length, _position - _length).Clear();
        buffer.CopyTo(_bytes.AsSpan(_position));
        _position = (int)end;
        _length = Math.Max(_length, _position);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled(cancellationToken);
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Reserve(int size)
    {
        if (size <= _bytes.Length) return;
        var larger = Pool.Rent((int)Math.Min(Array.MaxLength, Math.Max(size, 2L * _bytes.Length)));
        _bytes.AsSpan(0, _length).CopyTo(larger);
        Pool.Return(_bytes);
        _bytes = larger;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target < 0) throw new IOException("seek before the start of the stream");
        if (target > Array.MaxLength) throw new IOException("seek too far");
        _position = (int)target;
        return target;
    }

    public override void SetLength(long value)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        if (value > Array.MaxLength) throw new IOException("stream too long");
        Reserve((int)value);
        if (value > _length) _bytes.AsSpan(_length, (int)value - _length).Clear();
        _length = (int)value;
        _position = Math.Min(_position, _length);
    }

    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            Pool.Return(_bytes);
            _bytes = [];
            _length = _position = 0;
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => !_disposed;
    public override bool CanSeek => !_disposed;
    public override bool CanWrite => !_disposed;
    public override long Length => _length;
    public override long Position { get => _position; set => Seek(value, SeekOrigin.Begin); }
    public override void Flush() { }
}
