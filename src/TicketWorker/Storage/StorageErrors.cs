using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace TicketWorker.Storage;

/// <summary>Tells errors worth retrying (database busy, connection lost, deadlock) from the rest.</summary>
public static class StorageErrors
{
    // SQL Server: deadlock victim, lock timeout, connection-level and Azure throttling errors;
    // besides these, severity 20 and above means the connection broke (server down or unreachable).
    private static readonly HashSet<int> TransientSqlServerErrors = [1205, 1222, -2, 53, 233, 10053, 10054, 10060, 40197, 40501, 40613, 49918, 49919, 49920];

    /// <summary>Whether retrying the unit of work later may succeed.</summary>
    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case NpgsqlException npgsql when npgsql.IsTransient:
                    return true;
                case PostgresException { SqlState: "40001" or "40P01" or "55P03" or "57P01" or "57P03" }:
                    return true;
                case SqliteException { SqliteErrorCode: 5 or 6 }:
                    return true;
                case SqlException sql when sql.Class >= 20 || sql.Errors.Cast<SqlError>().Any(err => TransientSqlServerErrors.Contains(err.Number)):
                    return true;
                case TimeoutException:
                    return true;
            }
        }

        return false;
    }
}
