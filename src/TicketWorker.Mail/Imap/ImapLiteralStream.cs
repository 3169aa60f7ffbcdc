namespace TicketWorker.Mail.Imap;

/// <summary>
/// A read-only, forward-only view of one literal while it is still on the wire: reads go straight to
/// the connection, so a message body is never held in memory as a whole. Valid until the owner
/// moves on; the owner then drains whatever the caller left unread.
/// </summary>
internal sealed class ImapLiteralStream : Stream
{
    private readonly ImapReader _reader;
    private readonly CancellationToken _operationToken;
    private readonly Func<Exception, Exception> _onFailure;
    private long _remaining;
    private long _position;
    private bool _invalidated;

    public ImapLiteralStream(ImapReader reader, long length, CancellationToken operationToken, Func<Exception, Exception> onFailure)
    {
        _reader = reader;
        _remaining = length;
        Length = length;
        _operationToken = operationToken;
        _onFailure = onFailure;
    }

    public override long Length { get; }

    public override bool CanRead => !_invalidated;
    public override bool CanSeek => false;
    public override bool CanWrite => false;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_invalidated, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_remaining == 0 || buffer.Length == 0)
            return 0;
        var want = (int)Math.Min(buffer.Length, _remaining);
        int n;
        try
        {
            n = await _reader.ReadRawAsync(buffer[..want], _operationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw _onFailure(e);
        }
        _remaining -= n;
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Synchronous reads exist for parsers that only take a Stream; they block on the async path.
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override int Read(Span<byte> buffer)
    {
        var rented = new byte[Math.Min(buffer.Length, 81920)];
        var n = Read(rented, 0, rented.Length);
        rented.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    /// <summary>Skips the unread rest so the connection is positioned after the literal, then invalidates the stream.</summary>
    internal async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        if (_remaining > 0)
        {
            await _reader.SkipBytesAsync(_remaining, cancellationToken).ConfigureAwait(false);
            _position += _remaining;
            _remaining = 0;
        }
        _invalidated = true;
    }

    /// <summary>Marks the stream unusable without touching the connection (the connection is gone).</summary>
    internal void Invalidate() => _invalidated = true;

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
