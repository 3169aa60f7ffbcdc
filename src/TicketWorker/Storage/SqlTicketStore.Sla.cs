namespace TicketWorker.Storage;

/// <summary>The SLA columns and the escalation record (<see cref="ISlaStore"/>) on the same database as the tickets.</summary>
public sealed partial class SqlTicketStore : ISlaStore
{
    private const string SlaColumns = "first_response_due_at, resolution_due_at, sla_paused_at, sla_paused_seconds, pending_since, escalation_check_at";

    // Overdue at @Now; a paused ticket is judged at the instant it was paused (its clock stands still).
    private const string BreachedCondition = """
        status <> 'closed' AND (
            (first_response_at IS NULL AND first_response_due_at <= COALESCE(sla_paused_at, @Now))
            OR resolution_due_at <= COALESCE(sla_paused_at, @Now))
        """;

    /// <inheritdoc/>
    public Task<TicketSla?> GetSlaAsync(IStorageTransaction transaction, long ticketId, CancellationToken cancellationToken = default) =>
        sql.QueryFirstOrDefaultAsync<TicketSla>(transaction, $"SELECT {SlaColumns} FROM tickets WHERE id = @Id", new { Id = ticketId }, cancellationToken);

    /// <inheritdoc/>
    public Task SetSlaAsync(IStorageTransaction transaction, long ticketId, TicketSla sla, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sla);
        return sql.ExecuteAsync(
            transaction,
            """
            UPDATE tickets SET first_response_due_at = @FirstResponseDueAt, resolution_due_at = @ResolutionDueAt, sla_paused_at = @SlaPausedAt,
                sla_paused_seconds = @SlaPausedSeconds, pending_since = @PendingSince, escalation_check_at = @EscalationCheckAt
            WHERE id = @Id
            """,
            new { Id = ticketId, sla.FirstResponseDueAt, sla.ResolutionDueAt, sla.SlaPausedAt, sla.SlaPausedSeconds, sla.PendingSince, sla.EscalationCheckAt },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<long>> ListEscalationDueAsync(IStorageTransaction transaction, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        return sql.QueryAsync<long>(transaction, EscalationDueSql(sql.Dialect, limit), new { Now = now }, cancellationToken);
    }

    /// <summary>The escalation scan's candidate query (parameter @Now); the benchmark prints its plan.</summary>
    internal static string EscalationDueSql(Dialects.SqlDialect d, int limit) =>
        $"SELECT {d.Top(limit)} id FROM tickets WHERE escalation_check_at <= @Now ORDER BY escalation_check_at, id {d.Limit(limit)}";

    /// <summary>The auto-close candidate query (parameter @Cutoff).</summary>
    internal static string AutoCloseDueSql(Dialects.SqlDialect d, int limit) =>
        $"SELECT {d.Top(limit)} id, pending_since FROM tickets WHERE pending_since <= @Cutoff AND status = 'pending' ORDER BY pending_since, id {d.Limit(limit)}";

    /// <inheritdoc/>
    public async Task<bool> LockDueTicketAsync(IStorageTransaction transaction, long ticketId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        // A no-op UPDATE takes the row lock; a second worker waits here, then re-reads the row and finds the check moved on.
        await sql.ExecuteAsync(
            transaction,
            "UPDATE tickets SET escalation_check_at = escalation_check_at WHERE id = @Id AND escalation_check_at <= @Now",
            new { Id = ticketId, Now = now },
            cancellationToken).ConfigureAwait(false) == 1;

    /// <inheritdoc/>
    public Task<IReadOnlyList<int>> ListFiredLevelsAsync(IStorageTransaction transaction, long ticketId, CancellationToken cancellationToken = default) =>
        sql.QueryAsync<int>(transaction, "SELECT level FROM escalations WHERE ticket_id = @Id ORDER BY level", new { Id = ticketId }, cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> RecordEscalationAsync(IStorageTransaction transaction, long ticketId, int level, DateTimeOffset at, string worker, string reason, CancellationToken cancellationToken = default)
    {
        var insert = sql.Dialect.Provider == StorageProvider.SqlServer
            ? """
              INSERT INTO escalations (ticket_id, level, fired_at, worker, reason)
              SELECT @TicketId, @Level, @At, @Worker, @Reason
              WHERE NOT EXISTS (SELECT 1 FROM escalations WITH (UPDLOCK, HOLDLOCK) WHERE ticket_id = @TicketId AND level = @Level)
              """
            : """
              INSERT INTO escalations (ticket_id, level, fired_at, worker, reason) VALUES (@TicketId, @Level, @At, @Worker, @Reason)
              ON CONFLICT (ticket_id, level) DO NOTHING
              """;
        return await sql.ExecuteAsync(transaction, insert, new { TicketId = ticketId, Level = level, At = at, Worker = worker, Reason = reason }, cancellationToken)
            .ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<(long TicketId, DateTimeOffset PendingSince)>> ListAutoCloseDueAsync(IStorageTransaction transaction, DateTimeOffset cutoff, int limit, CancellationToken cancellationToken = default)
    {
        var rows = await sql.QueryAsync<PendingRow>(
            transaction,
            AutoCloseDueSql(sql.Dialect, limit),
            new { Cutoff = cutoff },
            cancellationToken).ConfigureAwait(false);
        return rows.Select(r => (r.Id, r.PendingSince)).ToList();
    }

    /// <inheritdoc/>
    public async Task<bool> CloseIfStillPendingAsync(IStorageTransaction transaction, long ticketId, DateTimeOffset pendingSince, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await sql.ExecuteAsync(
            transaction,
            """
            UPDATE tickets SET status = 'closed', closed_at = @Now, updated_at = @Now, pending_since = NULL, escalation_check_at = NULL
            WHERE id = @Id AND status = 'pending' AND pending_since = @PendingSince
            """,
            new { Id = ticketId, PendingSince = pendingSince, Now = now },
            cancellationToken).ConfigureAwait(false) == 1;

    /// <inheritdoc/>
    public Task<IReadOnlyList<long>> ListBreachedNumbersAsync(IStorageTransaction transaction, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        sql.QueryAsync<long>(transaction, $"SELECT number FROM tickets WHERE {BreachedCondition} ORDER BY number DESC", new { Now = now }, cancellationToken);

    /// <inheritdoc/>
    public async Task<SlaFacts> GetSlaFactsAsync(IStorageTransaction transaction, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var row = await sql.QueryFirstOrDefaultAsync<FactsRow>(
            transaction,
            """
            SELECT
                CAST(COALESCE(SUM(CASE WHEN first_response_at IS NULL AND first_response_due_at <= COALESCE(sla_paused_at, @Now) THEN 1 ELSE 0 END), 0) AS bigint) AS first_response_breached,
                CAST(COALESCE(SUM(CASE WHEN resolution_due_at <= COALESCE(sla_paused_at, @Now) THEN 1 ELSE 0 END), 0) AS bigint) AS resolution_breached
            FROM tickets WHERE status <> 'closed'
            """,
            new { Now = now },
            cancellationToken).ConfigureAwait(false);
        // Next due: open tickets only (a pending ticket's clock stands still).
        var nextFirst = await sql.QueryFirstOrDefaultAsync<DateTimeOffset?>(
            transaction,
            "SELECT MIN(first_response_due_at) FROM tickets WHERE status = 'open' AND first_response_at IS NULL AND first_response_due_at > @Now",
            new { Now = now },
            cancellationToken).ConfigureAwait(false);
        var nextResolution = await sql.QueryFirstOrDefaultAsync<DateTimeOffset?>(
            transaction,
            "SELECT MIN(resolution_due_at) FROM tickets WHERE status = 'open' AND resolution_due_at > @Now",
            new { Now = now },
            cancellationToken).ConfigureAwait(false);
        return new SlaFacts((int)(row?.FirstResponseBreached ?? 0), (int)(row?.ResolutionBreached ?? 0), nextFirst, nextResolution);
    }

    private sealed record PendingRow
    {
        public long Id { get; init; }
        public DateTimeOffset PendingSince { get; init; }
    }

    private sealed record FactsRow
    {
        public long FirstResponseBreached { get; init; }
        public long ResolutionBreached { get; init; }
    }
}
