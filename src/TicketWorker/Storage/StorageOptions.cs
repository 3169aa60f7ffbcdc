namespace TicketWorker.Storage;

/// <summary>Configuration of the storage layer (<c>TicketWorker:Database</c> and <c>TicketWorker:Storage</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>The default SQLite connection string: a file under <c>data/</c>.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=data/ticketworker.db";

    /// <summary>Which database to use; default SQLite.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>ADO.NET connection string; for SQLite defaults to <see cref="DefaultSqliteConnectionString"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder of the content-addressed raw message store; default <c>data/raw</c>.</summary>
    public string RawMailPath { get; set; } = "data/raw";

    /// <summary>Keep raw messages in the database (table <c>raw_mail</c>) instead of the folder.</summary>
    public bool StoreRawInDatabase { get; set; }

    /// <summary>Largest raw message accepted, in bytes; default 50 MB.</summary>
    public long MaxMessageSize { get; set; } = 50L * 1024 * 1024;

    /// <summary>Timeout of one SQL command (and of waiting for a locked SQLite file).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Every problem with these options, one readable line each; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Provider))
        {
            errors.Add($"Database:Provider '{Provider}' is not one of sqlite, postgres, sqlserver.");
        }

        if (Provider != StorageProvider.Sqlite && string.IsNullOrWhiteSpace(ConnectionString))
        {
            errors.Add($"Database:ConnectionString is required for provider {Provider}.");
        }

        if (!StoreRawInDatabase && string.IsNullOrWhiteSpace(RawMailPath))
        {
            errors.Add("Storage:RawMailPath must name a folder (or set Storage:StoreRawInDatabase).");
        }

        if (MaxMessageSize <= 0)
        {
            errors.Add($"Storage:MaxMessageSize must be positive (is {MaxMessageSize}).");
        }

        if (CommandTimeout <= TimeSpan.Zero)
        {
            errors.Add($"Database:CommandTimeout must be positive (is {CommandTimeout}).");
        }

        return errors;
    }

    /// <summary>The connection string to use, with the SQLite default filled in.</summary>
    public string EffectiveConnectionString =>
        string.IsNullOrWhiteSpace(ConnectionString) && Provider == StorageProvider.Sqlite
            ? DefaultSqliteConnectionString
            : ConnectionString ?? string.Empty;
}
