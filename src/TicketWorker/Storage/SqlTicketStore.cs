namespace TicketWorker.Storage;

/// <summary>The <see cref="ITicketStore"/> over SQLite, PostgreSQL or SQL Server (tickets here; messages in the other part).</summary>
public sealed partial class SqlTicketStore : ITicketStore
{
    // The normalized subject is an index key (SQL Server limits its length); longer ones compare on this prefix.
    internal const int NormalizedSubjectLength = 400;

    private const string TicketColumns = """
        id, number, subject, normalized_subject, status, priority, team, owner, customer_address, customer_name,
        language, tags, sla_policy, created_at, updated_at, first_response_at, closed_at, escalation_level,
        estimate_due_at, estimate_source, estimate_samples, previous_ticket_id, reply_token
        """;

    private static readonly string[] InsertTicketColumns =
    [
        "number", "subject", "normalized_subject", "status", "priority", "team", "owner", "customer_address", "customer_name",
        "language", "tags", "sla_policy", "created_at", "updated_at", "first_response_at", "closed_at", "escalation_level",
        "estimate_due_at", "estimate_source", "estimate_samples", "previous_ticket_id", "reply_token",
    ];

    // A new ticket's SLA times go into its INSERT (an UPDATE afterwards would touch the escalation and due-time indexes again).
    private static readonly string[] NewTicketColumns =
        [.. InsertTicketColumns, "first_response_due_at", "resolution_due_at", "sla_paused_at", "sla_paused_seconds", "pending_since", "escalation_check_at"];

    private readonly SqlRunner sql;

    /// <summary>Creates the store on a database.</summary>
    public SqlTicketStore(StorageDatabase database)
    {
        sql = new SqlRunner(database);
    }

    /// <inheritdoc/>
    public Task<TicketRecord?> FindTicketByIdAsync(IStorageTransaction transaction, long ticketId, CancellationToken cancellationToken = default) =>
        sql.QueryFirstOrDefaultAsync<TicketRecord>(transaction, $"SELECT {TicketColumns} FROM tickets WHERE id = @Id", new { Id = ticketId }, cancellationToken);

    /// <inheritdoc/>
    public Task<TicketRecord?> FindTicketByNumberAsync(IStorageTransaction transaction, long number, CancellationToken cancellationToken = default) =>
        sql.QueryFirstOrDefaultAsync<TicketRecord>(transaction, $"SELECT {TicketColumns} FROM tickets WHERE number = @Number", new { Number = number }, cancellationToken);

    /// <inheritdoc/>
    public Task<TicketRecord?> FindTicketByReplyTokenAsync(IStorageTransaction transaction, string replyToken, CancellationToken cancellationToken = default) =>
        sql.QueryFirstOrDefaultAsync<TicketRecord>(transaction, $"SELECT {TicketColumns} FROM tickets WHERE reply_token = @Token", new { Token = replyToken }, cancellationToken);

    /// <inheritdoc/>
    public Task<TicketRecord?> FindRecentOpenTicketBySenderAndSubjectAsync(IStorageTransaction transaction, string customerAddress, string normalizedSubject, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        var d = sql.Dialect;
        return sql.QueryFirstOrDefaultAsync<TicketRecord>(
            transaction,
            $"""
            SELECT {d.Top(1)} {TicketColumns} FROM tickets
            WHERE customer_address = @Address AND normalized_subject = @Subject AND status <> 'closed' AND updated_at >= @Since
            ORDER BY updated_at DESC, id DESC {d.Limit(1)}
            """,
            new { Address = SqlRunner.Lower(customerAddress), Subject = Truncate(normalizedSubject), Since = since },
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<TicketRecord> CreateTicketAsync(IStorageTransaction transaction, TicketRecord ticket, CancellationToken cancellationToken = default,
        Func<long, string>? replyTokenOf = null, TicketSla? sla = null)
    {
        ArgumentNullException.ThrowIfNull(ticket);

        // The counter row is locked until commit, so concurrent creators wait and numbers stay gap-free. Once this
        // transaction holds it, the next number is known: written back, not read again (PostgreSQL: no round trip of its own).
        var tx = sql.Unwrap(transaction);
        long number;
        if (tx.LastTicketNumber is { } last)
        {
            number = last + 1;
            await sql.WriteAsync(transaction, "UPDATE counters SET value = @Value WHERE name = 'ticket_number'", new { Value = number }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            number = await sql.ScalarAsync<long>(transaction, sql.Dialect.NextTicketNumberSql, null, cancellationToken).ConfigureAwait(false);
        }
        tx.LastTicketNumber = number;
        var created = ticket with
        {
            Number = number,
            ReplyToken = replyTokenOf is null ? ticket.ReplyToken : replyTokenOf(number),
            CustomerAddress = SqlRunner.Lower(ticket.CustomerAddress),
            NormalizedSubject = Truncate(ticket.NormalizedSubject),
        };
        var id = await sql.ScalarAsync<long>(
            transaction,
            sql.Statement("insert-ticket", static d => $"INSERT INTO tickets ({string.Join(", ", NewTicketColumns)}) {d.OutputId} VALUES ({Dialects.SqlDialect.Parameters(NewTicketColumns)}) {d.ReturningId}"),
            TicketParameters(created, sla ?? new TicketSla()),
            cancellationToken).ConfigureAwait(false);
        return created with { Id = id };
    }

    /// <inheritdoc/>
    public async Task<bool> LockTicketAsync(IStorageTransaction transaction, long ticketId, bool openOnly = false, CancellationToken cancellationToken = default) =>
        // A no-op UPDATE takes the row lock on every provider (SQLite: the database's write lock).
        await sql.ExecuteAsync(transaction, openOnly
                ? "UPDATE tickets SET updated_at = updated_at WHERE id = @Id AND status = 'open'"
                : "UPDATE tickets SET updated_at = updated_at WHERE id = @Id",
            new { Id = ticketId }, cancellationToken).ConfigureAwait(false) == 1;

    /// <inheritdoc/>
    public async Task UpdateTicketAsync(IStorageTransaction transaction, TicketRecord ticket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var update = sql.Statement("update-ticket", static _ =>
            $"UPDATE tickets SET {string.Join(", ", InsertTicketColumns.Where(c => c is not "number" and not "created_at").Select(c => $"{c} = @{Dialects.SqlDialect.ParameterName(c)}"))} WHERE id = @Id");
        var normalized = ticket with { CustomerAddress = SqlRunner.Lower(ticket.CustomerAddress), NormalizedSubject = Truncate(ticket.NormalizedSubject) };
        var count = await sql.ExecuteAsync(transaction, update, TicketParameters(normalized), cancellationToken).ConfigureAwait(false);
        if (count == 0)
        {
            throw new InvalidOperationException($"Ticket id {ticket.Id} does not exist.");
        }
    }

    /// <inheritdoc/>
    public Task TouchAsync(IStorageTransaction transaction, long ticketId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        // One column: a write of the whole row would update every index of tickets (six) for one changed time.
        sql.WriteAsync(transaction, "UPDATE tickets SET updated_at = @At WHERE id = @Id", new { Id = ticketId, At = at }, cancellationToken);

    /// <inheritdoc/>
    public Task SetStatusAsync(IStorageTransaction transaction, long ticketId, TicketStatus status, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        sql.WriteAsync(
            transaction,
            status == TicketStatus.Closed
                ? "UPDATE tickets SET status = @Status, updated_at = @At, closed_at = @At WHERE id = @Id"
                : "UPDATE tickets SET status = @Status, updated_at = @At, closed_at = NULL WHERE id = @Id",
            new { Id = ticketId, Status = SqlRunner.Text(status), At = at },
            cancellationToken);

    /// <inheritdoc/>
    public Task SetEstimateAsync(IStorageTransaction transaction, long ticketId, DateTimeOffset dueAt, string source, int samples, CancellationToken cancellationToken = default) =>
        sql.WriteAsync(
            transaction,
            "UPDATE tickets SET estimate_due_at = @Due, estimate_source = @Source, estimate_samples = @Samples WHERE id = @Id",
            new { Id = ticketId, Due = dueAt.ToUniversalTime(), Source = source, Samples = samples },
            cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<TicketSummary>> ListTicketsAsync(IStorageTransaction transaction, TicketStatus? status, CancellationToken cancellationToken = default)
    {
        var tickets = await sql.QueryAsync<TicketRecord>(
            transaction,
            $"SELECT {TicketColumns} FROM tickets WHERE (@Status IS NULL OR status = @Status) ORDER BY number DESC",
            new { Status = status is null ? null : SqlRunner.Text(status.Value) },
            cancellationToken).ConfigureAwait(false);
        var counts = (await sql.QueryAsync<(long TicketId, long Count)>(
            transaction,
            "SELECT m.ticket_id, CAST(COUNT(*) AS bigint) FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE (@Status IS NULL OR t.status = @Status) GROUP BY m.ticket_id",
            new { Status = status is null ? null : SqlRunner.Text(status.Value) },
            cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.TicketId, r => (int)r.Count);
        return tickets.Select(t => new TicketSummary(t, counts.GetValueOrDefault(t.Id))).ToList();
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ClosedTicketSample>> ListClosedTicketsAsync(IStorageTransaction transaction, DateTimeOffset closedSince, string? priority, CancellationToken cancellationToken = default) =>
        sql.QueryAsync<ClosedTicketSample>(
            transaction,
            """
            SELECT id AS ticket_id, team, priority, created_at, closed_at FROM tickets
            WHERE status = 'closed' AND closed_at >= @Since AND (@Priority IS NULL OR priority = @Priority)
            ORDER BY closed_at
            """,
            new { Since = closedSince, Priority = priority },
            cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, int>> CountOpenTicketsByOwnerAsync(IStorageTransaction transaction, CancellationToken cancellationToken = default)
    {
        var rows = await sql.QueryAsync<(string Owner, long Count)>(
            transaction,
            "SELECT owner, CAST(COUNT(*) AS bigint) FROM tickets WHERE status <> 'closed' AND owner IS NOT NULL GROUP BY owner",
            null,
            cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Owner, r => (int)r.Count, StringComparer.OrdinalIgnoreCase);
    }

    /// <inheritdoc/>
    public async Task<long> GetRoundRobinPositionAsync(IStorageTransaction transaction, string team, CancellationToken cancellationToken = default) =>
        await sql.ScalarAsync<long?>(transaction, "SELECT position FROM round_robin WHERE team = @Team", new { Team = team }, cancellationToken).ConfigureAwait(false) ?? 0;

    /// <inheritdoc/>
    public Task SetRoundRobinPositionAsync(IStorageTransaction transaction, string team, long position, CancellationToken cancellationToken = default) =>
        // The upsert's text built once, not on every new ticket of a round-robin team.
        sql.WriteAsync(transaction, sql.Statement("upsert-round-robin", static d => d.Upsert("round_robin", ["team"], ["position"], "team", "position")),
            new { Team = team, Position = position }, cancellationToken);

    /// <inheritdoc/>
    public Task RecordAutoReplyAsync(IStorageTransaction transaction, string address, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        sql.WriteAsync(transaction, "INSERT INTO auto_reply_log (address, sent_at) VALUES (@Address, @At)", new { Address = SqlRunner.Lower(address), At = at }, cancellationToken);

    /// <inheritdoc/>
    public async Task<int> CountAutoRepliesAsync(IStorageTransaction transaction, string address, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        (int)await sql.ScalarAsync<long>(transaction, "SELECT CAST(COUNT(*) AS bigint) FROM auto_reply_log WHERE address = @Address AND sent_at >= @Since", new { Address = SqlRunner.Lower(address), Since = since }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, int>> CountAutoRepliesAsync(IStorageTransaction transaction, IReadOnlyCollection<string> addresses, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var chunk in addresses.Select(SqlRunner.Lower).Distinct(StringComparer.Ordinal).Chunk(InListChunk))
        {
            var rows = await sql.QueryAsync<(string Address, long Count)>(transaction,
                $"SELECT address, CAST(COUNT(*) AS bigint) FROM auto_reply_log WHERE {sql.Dialect.InList("address", "Addresses")} AND sent_at >= @Since GROUP BY address",
                new { Addresses = chunk, Since = since }, cancellationToken).ConfigureAwait(false);
            foreach (var (address, count) in rows) counts[address] = (int)count;
        }
        return counts;
    }

    private static string Truncate(string normalizedSubject) =>
        normalizedSubject.Length <= NormalizedSubjectLength ? normalizedSubject : normalizedSubject[..NormalizedSubjectLength];

    /// <summary>The ticket's columns as parameters, and the SLA columns of a new ticket when <paramref name="sla"/> is given (unused by the UPDATE).</summary>
    private static object TicketParameters(TicketRecord t, TicketSla? sla = null) => new
    {
        t.Id,
        t.Number,
        t.Subject,
        t.NormalizedSubject,
        Status = SqlRunner.Text(t.Status),
        t.Priority,
        t.Team,
        t.Owner,
        t.CustomerAddress,
        t.CustomerName,
        t.Language,
        Tags = JsonListHandler.ToJson(t.Tags),
        t.SlaPolicy,
        // PostgreSQL's timestamptz takes UTC only (the estimate comes in the customer's zone).
        CreatedAt = t.CreatedAt.ToUniversalTime(),
        UpdatedAt = t.UpdatedAt.ToUniversalTime(),
        FirstResponseAt = t.FirstResponseAt?.ToUniversalTime(),
        ClosedAt = t.ClosedAt?.ToUniversalTime(),
        t.EscalationLevel,
        EstimateDueAt = t.EstimateDueAt?.ToUniversalTime(),
        t.EstimateSource,
        t.EstimateSamples,
        t.PreviousTicketId,
        t.ReplyToken,
        FirstResponseDueAt = sla?.FirstResponseDueAt?.ToUniversalTime(),
        ResolutionDueAt = sla?.ResolutionDueAt?.ToUniversalTime(),
        SlaPausedAt = sla?.SlaPausedAt?.ToUniversalTime(),
        SlaPausedSeconds = sla?.SlaPausedSeconds ?? 0,
        PendingSince = sla?.PendingSince?.ToUniversalTime(),
        EscalationCheckAt = sla?.EscalationCheckAt?.ToUniversalTime(),
    };
}
