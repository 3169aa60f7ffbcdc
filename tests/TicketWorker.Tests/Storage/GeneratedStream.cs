namespace TicketWorker.Tests.Storage;

/// <summary>A read-only stream of <c>length</c> pseudo-random bytes made on the fly (nothing held in memory).</summary>
internal sealed class GeneratedStream : Stream
{
    private readonly long length;
    private readonly int seed;
    private long position;

    public GeneratedStream(long length, int seed)
    {
        this.length = length;
        this.seed = seed;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    /// <summary>The byte at an offset: a cheap hash, so every position differs from its neighbours.</summary>
    public static byte At(long offset, int seed)
    {
        var x = (ulong)(offset + seed) * 0x9E3779B97F4A7C15UL;
        return (byte)(x >> 56);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - position);
        for (var i = 0; i < n; i++)
        {
            buffer[i] = At(position + i, seed);
        }

        position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
