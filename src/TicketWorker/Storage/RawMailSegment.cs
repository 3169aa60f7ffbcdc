using System.Security.Cryptography;

namespace TicketWorker.Storage;

/// <summary>
/// The raw bytes of one intake batch, appended one message after the other to a single file and
/// made durable with one fsync (<see cref="CompleteAsync"/>) instead of one per message: the batch's
/// database transaction commits only after that, so a committed row never points at lost bytes, and
/// a crash before the commit leaves at most an orphan segment that nothing references.
/// With <see cref="StorageOptions.StoreRawInDatabase"/> the file is a temporary spool and
/// <see cref="CompleteAsync"/> copies every message into <c>raw_mail</c> in one transaction.
/// </summary>
public sealed class RawMailSegment : IAsyncDisposable
{
    private const int BufferSize = 128 * 1024;

    private readonly StorageDatabase database;
    private readonly string name;
    private readonly bool inDatabase;
    private readonly long maxMessageSize;
    private readonly List<(string? Sha256, long Offset, long Length)> entries = [];
    private FileStream? file;
    private bool completed;
    private bool kept;

    internal RawMailSegment(StorageDatabase database, string path, string name, bool inDatabase)
    {
        this.database = database;
        this.name = name;
        this.inDatabase = inDatabase;
        Path = path;
        maxMessageSize = database.Options.MaxMessageSize;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, BufferSize, FileOptions.Asynchronous);
    }

    /// <summary>The segment's file.</summary>
    public string Path { get; }

    /// <summary>How many messages were appended.</summary>
    public int Count => entries.Count;

    /// <summary>
    /// Appends the bytes of <paramref name="content"/> (read to its end). Beyond
    /// <see cref="StorageOptions.MaxMessageSize"/> only the first MaxMessageSize bytes are kept (the
    /// caller quarantines the message with its full size as the reason); nothing is ever dropped whole.
    /// </summary>
    /// <returns>The reference of the kept bytes and the full size of the message.</returns>
    /// <remarks>A stream from <see cref="BeginEntry"/> of this segment, written to its end, is recorded as it is: its bytes are in the file already.</remarks>
    public async Task<(RawMailReference Reference, long FullSize)> AppendAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content is EntryWriter writer && writer.Segment == this) return writer.Finish();
        // Any other stream is copied through an entry: one place keeps MaxMessageSize and hashes what is kept.
        await using var entry = (EntryWriter)BeginEntry();
        await content.CopyToAsync(entry, BufferSize, cancellationToken).ConfigureAwait(false);
        return entry.Finish();
    }

    // Only raw mail in the database is addressed by its hash; a segment entry is addressed by its offset.
    private RawMailReference Record(IncrementalHash? sha, long offset, long kept)
    {
        var hash = sha is null ? null : Convert.ToHexStringLower(sha.GetHashAndReset());
        entries.Add((hash, offset, kept));
        var reference = hash is not null ? RawMailStore.DatabaseReference(hash) : RawMailStore.SegmentReference(name, offset, kept);
        return new RawMailReference(reference, kept, hash);
    }

    /// <summary>
    /// A stream that appends one message to the file as it is written, for an IMAP literal to go straight to the segment
    /// (SpoolingImapFolder) instead of into memory first and then copied here: ~255 MB of arrays for the 10,000-message
    /// backlog, a quarter of them on the large-object heap. <see cref="AppendAsync"/> with the written stream records the
    /// entry; one not given back (a fetch that failed mid-way) leaves bytes nothing references. One at a time.
    /// </summary>
    public Stream BeginEntry()
    {
        var output = file ?? throw new InvalidOperationException("The segment is complete.");
        if (writing is not null) throw new InvalidOperationException("An entry is being written.");
        return writing = new EntryWriter(this, output);
    }

    private EntryWriter? writing;

    /// <summary>One message being written into the file (<see cref="BeginEntry"/>); beyond MaxMessageSize the bytes are counted, not kept.</summary>
    private sealed class EntryWriter : Stream
    {
        private readonly FileStream output;
        private readonly long offset;
        private readonly IncrementalHash? sha;
        private long kept;
        private long full;
        private bool done;

        public EntryWriter(RawMailSegment segment, FileStream output)
        {
            Segment = segment;
            this.output = output;
            offset = output.Position;
            sha = segment.inDatabase ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        }

        public RawMailSegment Segment { get; }

        public (RawMailReference Reference, long FullSize) Finish()
        {
            ObjectDisposedException.ThrowIf(done, this);
            done = true;
            Segment.writing = null;
            return (Segment.Record(sha, offset, kept), full);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var take = Take(buffer.Length);
            if (take == 0) return;
            sha?.AppendData(buffer[..take]);
            output.Write(buffer[..take]);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var take = Take(buffer.Length);
            if (take == 0) return ValueTask.CompletedTask;
            sha?.AppendData(buffer.Span[..take]);
            return output.WriteAsync(buffer[..take], cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        // How much of the next `count` bytes is kept (MaxMessageSize); all of them are counted.
        private int Take(int count)
        {
            ObjectDisposedException.ThrowIf(done, this);
            full += count;
            var take = (int)Math.Clamp(Segment.maxMessageSize - kept, 0, count);
            kept += take;
            return take;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => !done;

        public override long Length => full;

        // MailKit sets the position of a literal's stream to 0 once it is written, for the callback to read it from the
        // start; this one is read back through OpenEntry, so that is allowed (and nothing else).
        public override long Position
        {
            get => full;
            set
            {
                if (value != 0) throw new NotSupportedException();
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            // Not given back: what it wrote stays in the file unreferenced, and the next entry starts after it.
            if (!done && Segment.writing == this) Segment.writing = null;
            done = true;
            sha?.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>Opens the bytes of the message appended as number <paramref name="index"/> (before or after completion).</summary>
    public Stream OpenEntry(int index)
    {
        var (_, offset, length) = entries[index];
        return new SliceStream(SliceStream.Open(Path), offset, length);
    }

    /// <summary>Whether <see cref="CompleteAsync"/> writes the messages into the database (in a transaction of its own) rather than fsyncing the file.</summary>
    public bool CompletesInDatabase => inDatabase;

    /// <summary>Writes what is still buffered to the file, so <see cref="OpenEntry"/> reads every appended message (durable only after <see cref="CompleteAsync"/>).</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) =>
        file?.FlushAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>
    /// Makes every appended message durable: one fsync of the segment file, or (raw mail in the
    /// database) one transaction inserting them all. Call before committing rows that reference them.
    /// </summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (completed) return;
        var output = file ?? throw new InvalidOperationException("The segment is closed.");
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (inDatabase)
        {
            await database.InTransactionAsync(async tx =>
            {
                var transaction = ((StorageTransaction)tx).Transaction;
                foreach (var (sha256, offset, length) in entries.DistinctBy(e => e.Sha256))
                {
                    await using var slice = OpenEntry(entries.FindIndex(e => e.Sha256 == sha256));
                    await database.Dialect.InsertRawAsync(transaction, sha256!, length, slice, database.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                }
                return 0;
            }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // One fsync for the whole batch; rows referencing the segment commit after it.
            output.Flush(flushToDisk: true);
            kept = true;
        }
        completed = true;
    }

    /// <summary>Closes the file; an incomplete or spooled segment is deleted (nothing can reference it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (file is { } output)
        {
            file = null;
            await output.DisposeAsync().ConfigureAwait(false);
        }
        if (!kept)
        {
            try
            {
                File.Delete(Path);
            }
            catch (IOException)
            {
                // An orphan segment is harmless: nothing references it.
            }
        }
    }
}
