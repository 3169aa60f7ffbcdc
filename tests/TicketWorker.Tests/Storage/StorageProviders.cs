using TicketWorker.Storage;

namespace TicketWorker.Tests.Storage;

/// <summary>The providers every contract fixture runs against (SQL Server is skipped without its variable).</summary>
public static class StorageProviders
{
    /// <summary>SQLite, PostgreSQL, SQL Server.</summary>
    public static readonly object[] All = [StorageProvider.Sqlite, StorageProvider.Postgres, StorageProvider.SqlServer];
}
