namespace TicketWorker.Storage;

/// <summary>A read-only stream over a database blob that disposes the reader, command and connection with it.</summary>
internal sealed class OwningStream : Stream
{
    private readonly Stream inner;
    private readonly IAsyncDisposable[] owned;
    private bool disposed;

    public OwningStream(Stream inner, params IAsyncDisposable[] owned)
    {
        this.inner = inner;
        this.owned = owned;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        await inner.DisposeAsync().ConfigureAwait(false);
        foreach (var item in owned)
        {
            await item.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !disposed)
        {
            disposed = true;
            inner.Dispose();
            foreach (var item in owned)
            {
                (item as IDisposable)?.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
