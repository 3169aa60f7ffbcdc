using System.Buffers;

namespace TicketWorker.Mail.Mime;

/// <summary>
/// Collects the raw bytes of one part while the parser reads it: in a reusable memory buffer up to
/// the spool threshold, then in a temporary file, so memory does not grow with part size.
/// </summary>
internal sealed class ContentBuffer(MimeParserOptions options) : IDisposable
{
    private byte[] _memory = ArrayPool<byte>.Shared.Rent(4096);
    private int _count;
    private FileStream? _file;
    private long _fileLength;

    public long Length => _file is null ? _count : _fileLength;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        if (_file is not null)
        {
            _file.Write(bytes);
            _fileLength += bytes.Length;
            return;
        }
        if (_count + bytes.Length > options.SpoolThreshold)
        {
            _file = CreateSpoolFile();
            _file.Write(_memory, 0, _count);
            _file.Write(bytes);
            _fileLength = _count + bytes.Length;
            _count = 0;
            return;
        }
        if (_count + bytes.Length > _memory.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_memory.Length * 2, _count + bytes.Length));
            _memory.AsSpan(0, _count).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_memory);
            _memory = bigger;
        }
        bytes.CopyTo(_memory.AsSpan(_count));
        _count += bytes.Length;
    }

    /// <summary>Drops collected bytes beyond <paramref name="length"/>.</summary>
    public void Truncate(long length)
    {
        if (_file is not null)
        {
            if (length >= _fileLength) return;
            _file.Flush();
            _file.SetLength(length);
            _file.Position = length;
            _fileLength = length;
        }
        else if (length < _count)
        {
            _count = (int)length;
        }
    }

    /// <summary>Hands the collected bytes over as a store and resets the buffer for the next part.</summary>
    public ContentStore Complete()
    {
        if (_file is { } file)
        {
            file.Flush();
            _file = null;
            var length = _fileLength;
            _fileLength = 0;
            return new FileContentStore(file, length);
        }
        var store = _count == 0 ? ContentStore.Empty : new MemoryContentStore(_memory.AsSpan(0, _count).ToArray());
        _count = 0;
        return store;
    }

    /// <summary>Forgets what was collected (used for preambles and epilogues beyond their cap).</summary>
    public void Reset()
    {
        _count = 0;
        _file?.Dispose();
        _file = null;
        _fileLength = 0;
    }

    private FileStream CreateSpoolFile()
    {
        var dir = options.SpoolDirectory ?? Path.GetTempPath();
        var path = Path.Combine(dir, "tw-mime-" + Guid.NewGuid().ToString("N") + ".spool");
        // DeleteOnClose: the file disappears with the handle, even if nobody disposes the message.
        return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete,
            bufferSize: 81920, FileOptions.DeleteOnClose);
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
        if (_memory.Length > 0) ArrayPool<byte>.Shared.Return(_memory);
        _memory = [];
    }
}
