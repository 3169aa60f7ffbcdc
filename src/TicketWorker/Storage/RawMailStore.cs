using System.Buffers;
using System.Data;
using System.Data.Common;
using System.Security.Cryptography;

namespace TicketWorker.Storage;

/// <summary>
/// Keeps the raw bytes of messages, content-addressed by SHA-256: in a fanned-out folder (default,
/// <c>RawMailPath/ab/cd/abcd…</c>) or in the database's raw_mail table; IMAP intake appends a
/// batch's messages to one segment file instead (<see cref="BeginSegment"/>, <c>RawMailPath/seg/</c>). Streams are hashed while
/// copied, never buffered whole; a file appears under its final name only complete and synced.
/// </summary>
public sealed class RawMailStore
{
    private const string FilePrefix = "file:sha256:";
    private const string DatabasePrefix = "db:sha256:";
    private const string SegmentPrefix = "seg:";
    private const int BufferSize = 128 * 1024;

    private readonly StorageDatabase database;
    private readonly StorageOptions options;

    /// <summary>Creates the store for the database's options (folder, limit, database mode).</summary>
    public RawMailStore(StorageDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        this.database = database;
        options = database.Options;
    }

    /// <summary>
    /// Stores the bytes of <paramref name="content"/> (read to its end) and returns their reference.
    /// Storing the same bytes twice gives the same reference. Throws <see cref="MessageTooLargeException"/>
    /// beyond <see cref="StorageOptions.MaxMessageSize"/>, leaving nothing behind.
    /// </summary>
    public async Task<RawMailReference> SaveAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var tempFolder = options.StoreRawInDatabase
            ? Path.Combine(Path.GetTempPath(), "ticketworker-raw")
            : Path.Combine(options.RawMailPath, "tmp");
        Directory.CreateDirectory(tempFolder);
        var temp = Path.Combine(tempFolder, $"{Guid.NewGuid():N}.tmp");
        try
        {
            var (hash, size) = await CopyToTempAsync(content, temp, cancellationToken).ConfigureAwait(false);
            if (options.StoreRawInDatabase)
            {
                await SaveToDatabaseAsync(temp, hash, size, cancellationToken).ConfigureAwait(false);
                return new RawMailReference(DatabasePrefix + hash, size, hash);
            }

            var final = FilePath(hash);
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            if (!File.Exists(final))
            {
                try
                {
                    // Same folder tree, so the rename is atomic: readers see the whole file or none.
                    File.Move(temp, final, overwrite: false);
                }
                catch (IOException) when (File.Exists(final))
                {
                    // Another writer stored the same bytes first.
                }
            }

            return new RawMailReference(FilePrefix + hash, size, hash);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Starts the segment of one intake batch: messages appended to one file, made durable together
    /// (see <see cref="RawMailSegment"/>). References look like <c>seg:NAME:OFFSET:LENGTH</c>
    /// (or <c>db:sha256:HEX</c> with the raw mail in the database).
    /// </summary>
    public RawMailSegment BeginSegment()
    {
        var name = Guid.NewGuid().ToString("N");
        var path = options.StoreRawInDatabase
            ? Path.Combine(Path.GetTempPath(), "ticketworker-raw", name + ".seg")
            : SegmentPath(name);
        return new RawMailSegment(database, path, name, options.StoreRawInDatabase);
    }

    internal static string DatabaseReference(string hash) => DatabasePrefix + hash;

    internal static string SegmentReference(string name, long offset, long length) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{SegmentPrefix}{name}:{offset}:{length}");

    private string SegmentPath(string name) => Path.Combine(options.RawMailPath, "seg", name[..2], name + ".seg");

    /// <summary>Opens stored bytes for reading; <see cref="FileNotFoundException"/> when the reference names nothing.</summary>
    public async Task<Stream> OpenAsync(string reference, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        if (reference.StartsWith(FilePrefix, StringComparison.Ordinal))
        {
            var path = FilePath(CheckHash(reference[FilePrefix.Length..], reference));
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Raw message {reference} is missing from {options.RawMailPath}.", path);
            }

            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }

        if (reference.StartsWith(DatabasePrefix, StringComparison.Ordinal))
        {
            return await OpenFromDatabaseAsync(CheckHash(reference[DatabasePrefix.Length..], reference), reference, cancellationToken).ConfigureAwait(false);
        }

        if (reference.StartsWith(SegmentPrefix, StringComparison.Ordinal))
        {
            return OpenSegmentSlice(reference);
        }

        throw new ArgumentException($"'{reference}' is not a raw message reference.", nameof(reference));
    }

    private Stream OpenSegmentSlice(string reference)
    {
        var parts = reference[SegmentPrefix.Length..].Split(':');
        if (parts is not [var name, var offsetText, var lengthText]
            || name.Length != 32 || !name.All(char.IsAsciiHexDigitLower)
            || !long.TryParse(offsetText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var offset)
            || !long.TryParse(lengthText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length))
        {
            throw new ArgumentException($"'{reference}' is not a raw message reference.", nameof(reference));
        }

        var path = SegmentPath(name);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Raw message {reference} is missing from {options.RawMailPath}.", path);
        }

        var file = SliceStream.Open(path);
        if (offset + length > RandomAccess.GetLength(file))
        {
            file.Dispose();
            throw new FileNotFoundException($"Raw message {reference} is cut short in {path}.", path);
        }

        return new SliceStream(file, offset, length);
    }

    private static string CheckHash(string hash, string reference)
    {
        if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException($"'{reference}' is not a raw message reference.", nameof(reference));
        }

        return hash;
    }

    private string FilePath(string hash) => Path.Combine(options.RawMailPath, hash[..2], hash[2..4], hash);

    private async Task<(string Hash, long Size)> CopyToTempAsync(Stream content, string temp, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long size = 0;
        try
        {
            await using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                size += read;
                if (size > options.MaxMessageSize)
                {
                    throw new MessageTooLargeException(options.MaxMessageSize);
                }

                sha.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }

            // fsync before the rename: after a crash the final name never points at a partial file.
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (Convert.ToHexStringLower(sha.GetHashAndReset()), size);
    }

    private async Task SaveToDatabaseAsync(string temp, string hash, long size, CancellationToken cancellationToken)
    {
        await using var transaction = (StorageTransaction)await database.BeginAsync(cancellationToken).ConfigureAwait(false);
        await using var file = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await database.Dialect.InsertRawAsync(transaction.Transaction, hash, size, file, database.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<Stream> OpenFromDatabaseAsync(string hash, string reference, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        DbCommand? command = null;
        DbDataReader? reader = null;
        try
        {
            command = connection.CreateCommand();
            command.CommandText = database.Dialect.SelectRawSql;
            command.CommandTimeout = database.CommandTimeoutSeconds;
            var parameter = command.CreateParameter();
            parameter.ParameterName = "Sha256";
            parameter.DbType = DbType.String;
            parameter.Value = hash;
            command.Parameters.Add(parameter);

            // SequentialAccess lets the provider stream the blob instead of loading the row.
            reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess | CommandBehavior.SingleRow, cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new FileNotFoundException($"Raw message {reference} is missing from the database.");
            }

            var stream = reader.GetStream(database.Dialect.SelectRawContentOrdinal);
            return new OwningStream(stream, reader, command, connection);
        }
        catch
        {
            if (reader is not null)
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }

            if (command is not null)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
