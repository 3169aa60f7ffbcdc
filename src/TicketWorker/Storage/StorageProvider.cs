namespace TicketWorker.Storage;

/// <summary>The database behind the worker's storage.</summary>
public enum StorageProvider
{
    /// <summary>Embedded SQLite file (default; one writer at a time).</summary>
    Sqlite,

    /// <summary>PostgreSQL through Npgsql (several workers).</summary>
    Postgres,

    /// <summary>SQL Server through Microsoft.Data.SqlClient (several workers).</summary>
    SqlServer,
}
