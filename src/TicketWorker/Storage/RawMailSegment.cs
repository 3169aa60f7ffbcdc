using System.Buffers;
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
    public async Task<(RawMailReference Reference, long FullSize)> AppendAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var output = file ?? throw new InvalidOperationException("The segment is complete.");
        // Only raw mail in the database is addressed by its hash; a segment entry is addressed by its offset.
        using var sha = inDatabase ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var offset = output.Position;
        long kept = 0, full = 0;
        try
        {
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                full += read;
                var take = (int)Math.Min(read, maxMessageSize - kept);
                if (take <= 0) continue;
                sha?.AppendData(buffer, 0, take);
                await output.WriteAsync(buffer.AsMemory(0, take), cancellationToken).ConfigureAwait(false);
                kept += take;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var hash = sha is null ? null : Convert.ToHexStringLower(sha.GetHashAndReset());
        entries.Add((hash, offset, kept));
        var reference = hash is not null ? RawMailStore.DatabaseReference(hash) : RawMailStore.SegmentReference(name, offset, kept);
        return (new RawMailReference(reference, kept, hash), full);
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
