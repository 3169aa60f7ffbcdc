namespace TicketWorker.Storage;

/// <summary>Aggregates for <c>status</c> and <c>health</c>: counted by the database, never by loading the rows.</summary>
public sealed partial class SqlTicketStore
{
    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<TicketStatus, int>> CountTicketsByStatusAsync(IStorageTransaction transaction, CancellationToken cancellationToken = default)
    {
        // ix_tickets_status_closed (status, closed_at) covers this: an index scan, no table rows read.
        var rows = await sql.QueryAsync<(string Status, long Count)>(
            transaction,
            "SELECT status, CAST(COUNT(*) AS bigint) FROM tickets GROUP BY status",
            null,
            cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => Enum.Parse<TicketStatus>(r.Status, ignoreCase: true), r => (int)r.Count);
    }
}
