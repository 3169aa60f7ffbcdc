namespace TicketWorker.Mail.Mime;

/// <summary>
/// The raw (still transfer-encoded) bytes of one leaf part, held in memory or in a spool file.
/// </summary>
/// <remarks>
/// Spool files are opened with <see cref="FileOptions.DeleteOnClose"/> so that the file vanishes
/// when the store is disposed, and also when a forgotten message is finalized by the GC.
/// </remarks>
internal abstract class ContentStore : IDisposable
{
    public abstract long Length { get; }

    /// <summary>A new read-only stream over the raw bytes.</summary>
    public abstract Stream OpenRead();

    public virtual void Dispose()
    {
    }

    public static ContentStore Empty { get; } = new MemoryContentStore([]);
}

internal sealed class MemoryContentStore(byte[] bytes) : ContentStore
{
    public byte[] Bytes { get; } = bytes;
    public override long Length => Bytes.Length;
    public override Stream OpenRead() => new MemoryStream(Bytes, writable: false);
}

internal sealed class FileContentStore(FileStream file, long length) : ContentStore
{
    private readonly FileStream _file = file;
    private int _disposed;

    public override long Length { get; } = length;

    public override Stream OpenRead()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return new SpoolReadStream(_file.SafeFileHandle, Length);
    }

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _file.Dispose();
    }
}
