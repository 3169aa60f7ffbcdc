namespace TicketWorker.Storage;

/// <summary>
/// Keeps the raw bytes of messages, content-addressed by SHA-256: in a fanned-out folder (default)
/// or in the database's raw_mail table. Streams are copied while hashed, never buffered whole.
/// </summary>
public sealed class RawMailStore
{
    private readonly StorageDatabase database;

    /// <summary>Creates the store for the database's options (folder, limit, database mode).</summary>
    public RawMailStore(StorageDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        this.database = database;
    }

    /// <summary>
    /// Stores the bytes of <paramref name="content"/> (read to its end) and returns their reference.
    /// Storing the same bytes twice gives the same reference. Throws <see cref="MessageTooLargeException"/>
    /// beyond <see cref="StorageOptions.MaxMessageSize"/>, leaving nothing behind.
    /// </summary>
    public Task<RawMailReference> SaveAsync(Stream content, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException(database.Provider.ToString());

    /// <summary>Opens stored bytes for reading; <see cref="FileNotFoundException"/> when the reference names nothing.</summary>
    public Task<Stream> OpenAsync(string reference, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException(reference);
}
