using Microsoft.Win32.SafeHandles;

namespace TicketWorker.Storage;

/// <summary>
/// A read-only, seekable window of a file (one message inside a raw-mail segment). Owns the file
/// handle. Seekable so MimeKit can parse persistently (attachments stay on disk, not in memory).
/// Small reads are served from a rented buffer of <see cref="BufferSize"/> bytes, filled by one positional
/// read: MimeKit reads in blocks of 4 KB, one pread each, ~96,000 system calls for a 10,000-message backlog
/// (each one dear on a virtual machine). Rented, not allocated: a FileStream's 64 KB buffer per opened message
/// was once the largest allocation of intake (10,000 messages: 640 MB).
/// </summary>
internal sealed class SliceStream : Stream
{
    internal const int BufferSize = 64 * 1024;

    private readonly SafeFileHandle file;
    private readonly long start;
    private readonly long length;
    private long position;
    private byte[]? buffer;

    /// <summary>The buffer holds the bytes from this position of the slice, <see cref="buffered"/> of them.</summary>
    private long bufferedFrom;

    private int buffered;

    public SliceStream(SafeFileHandle file, long start, long length)
    {
        this.file = file;
        this.start = start;
        this.length = length;
    }

    /// <summary>Opens the file for reading (shared with its writer: a segment is read while it is appended to).</summary>
    public static SafeFileHandle Open(string path) => File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(file.IsClosed, this);
        var wanted = (int)Math.Min(destination.Length, length - position);
        if (wanted <= 0) return 0;
        if (position < bufferedFrom || position >= bufferedFrom + buffered)
        {
            if (wanted >= BufferSize)
            {
                var direct = RandomAccess.Read(file, destination[..wanted], start + position);
                position += direct;
                return direct;
            }
            buffer ??= System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
            bufferedFrom = position;
            buffered = RandomAccess.Read(file, buffer.AsSpan(0, (int)Math.Min(BufferSize, length - position)), start + position);
            if (buffered == 0) return 0;
        }
        var at = (int)(position - bufferedFrom);
        var read = Math.Min(wanted, buffered - at);
        buffer.AsSpan(at, read).CopyTo(destination);
        position += read;
        return read;
    }

    // Synchronous on purpose: the segment was just written and sits in the page cache, and MimeKit
    // reads in small pieces; Linux "async" file reads are thread-pool hops that cost more than the copy.
    // MimeKit reads through this overload, 4 KB at a time: the task of the last count is given again when the count is
    // the same, as MemoryStream does, instead of a new task per read (29 MB of them per 10,000-message backlog).
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        var read = Read(buffer.AsSpan(offset, count));
        return lastRead is { } last && last.Result == read ? last : lastRead = Task.FromResult(read);
    }

    private Task<int>? lastRead;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            SeekOrigin.End => length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        position = target;
        return position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
            if (buffer is not null) System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            buffer = null;
            buffered = 0;
        }
        base.Dispose(disposing);
    }
}
