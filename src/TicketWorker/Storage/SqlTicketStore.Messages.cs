using Dapper;

namespace TicketWorker.Storage;

/// <summary>Messages, attachments, participants and rule decisions.</summary>
public sealed partial class SqlTicketStore
{
    // Aliases map the stored names (some are reserved words) to MessageRecord's properties.
    private const string MessageColumns = """
        id, ticket_id, direction, kind, message_id, in_reply_to, reference_ids AS "references", from_address AS "from", from_name,
        to_addresses AS "to", cc_addresses AS cc, subject, sent_date AS "date", text_body AS "text", new_text, html_body AS html,
        raw_reference, raw_size, mailbox, uid, received_at, status, failure_reason
        """;

    private static readonly string[] InsertMessageColumns =
    [
        "ticket_id", "direction", "kind", "message_id", "in_reply_to", "reference_ids", "from_address", "from_name",
        "to_addresses", "cc_addresses", "subject", "sent_date", "text_body", "new_text", "html_body", "raw_reference", "raw_size",
        "mailbox", "uid", "received_at", "status", "failure_reason",
    ];

    // Large IN lists are split so no provider hits its parameter limit (SQL Server: 2100).
    private const int InListChunk = 500;

    /// <summary>Up to this many Message-IDs (a reply's References), SQLite looks them up one by one.</summary>
    private const int SqliteSingleLookups = 32;

    /// <summary>
    /// An inbound message's new text is stored only when it differs from its text as <see cref="TextAsNewText"/>
    /// gives it: NULL in <c>new_text</c> means "the text itself", and reading gives that text back. Half the
    /// customers' mails have nothing to strip, and storing the text twice was ~40 % of the database's bytes.
    /// </summary>
    private static string? StoredNewText(MessageRecord m) =>
        m.Direction == MessageDirection.Inbound && m.NewText is { } newText && m.Text is { } text && IsTextAsNewText(newText, text) ? null : m.NewText;

    private static MessageRecord WithNewText(MessageRecord m) =>
        m.NewText is null && m.Direction == MessageDirection.Inbound && m.Text is { } text ? m with { NewText = TextAsNewText(text) } : m;

    /// <summary>A text with nothing to strip, as the quote stripper returns it: line ends as LF, trimmed.</summary>
    internal static string TextAsNewText(string text) => text.ReplaceLineEndings("\n").Trim();

    // The line ends ReplaceLineEndings turns into LF, besides LF itself.
    private static readonly System.Buffers.SearchValues<char> OtherLineEnds = System.Buffers.SearchValues.Create("\r\f\u0085\u2028\u2029");

    /// <summary>
    /// Whether <paramref name="newText"/> equals <see cref="TextAsNewText"/> of <paramref name="text"/>, without
    /// building that copy (this runs on intake's writer for every inbound message). Every line end
    /// ReplaceLineEndings knows is white space, so trimming the original gives the same bounds.
    /// </summary>
    internal static bool IsTextAsNewText(string newText, string text)
    {
        ArgumentNullException.ThrowIfNull(newText);
        ArgumentNullException.ThrowIfNull(text);
        var (start, end) = (0, text.Length);
        while (start < end && char.IsWhiteSpace(text[start])) start++;
        while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
        // The reading layer gives text with LF line ends: then it is one vectorized comparison, not a loop per character.
        var trimmed = text.AsSpan(start, end - start);
        if (trimmed.IndexOfAny(OtherLineEnds) < 0) return trimmed.SequenceEqual(newText);
        var j = 0;
        for (var i = start; i < end; i++, j++)
        {
            var c = text[i];
            if (c is '\r' or '\n' or '\f' or '\u0085' or '\u2028' or '\u2029')
            {
                if (c == '\r' && i + 1 < end && text[i + 1] == '\n') i++;
                c = '\n';
            }
            if (j >= newText.Length || newText[j] != c) return false;
        }
        return j == newText.Length;
    }

    /// <inheritdoc/>
    public async Task<MessageRecord?> FindMessageByMessageIdAsync(IStorageTransaction transaction, string messageId, CancellationToken cancellationToken = default) =>
        await sql.QueryFirstOrDefaultAsync<MessageRecord>(transaction, $"SELECT {MessageColumns} FROM messages WHERE message_id = @MessageId", new { MessageId = messageId }, cancellationToken).ConfigureAwait(false)
            is { } message ? WithNewText(message) : null;

    /// <inheritdoc/>
    public async Task<(bool TakenIn, long? TicketNumber)> FindTakenInAsync(IStorageTransaction transaction, string messageId, CancellationToken cancellationToken = default)
    {
        // At most one row from each table (message_id is unique in both); a message's row comes first.
        var rows = await sql.QueryAsync<long?>(transaction,
            "SELECT t.number FROM messages m LEFT JOIN tickets t ON t.id = m.ticket_id WHERE m.message_id = @MessageId " +
            "UNION ALL SELECT NULL FROM ignored_messages WHERE message_id = @MessageId",
            new { MessageId = messageId }, cancellationToken).ConfigureAwait(false);
        return (rows.Count > 0, rows.FirstOrDefault(n => n is not null));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, long?>> FindTakenInAsync(IStorageTransaction transaction, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var taken = new Dictionary<string, long?>(StringComparer.Ordinal);
        foreach (var chunk in messageIds.Distinct(StringComparer.Ordinal).Chunk(InListChunk))
        {
            var rows = await sql.QueryAsync<(string MessageId, long? Number)>(transaction,
                $"SELECT m.message_id, t.number FROM messages m LEFT JOIN tickets t ON t.id = m.ticket_id WHERE {sql.Dialect.InList("m.message_id", "Ids")} " +
                $"UNION ALL SELECT message_id, NULL FROM ignored_messages WHERE {sql.Dialect.InList("message_id", "Ids")}",
                new { Ids = chunk }, cancellationToken).ConfigureAwait(false);
            // As for one id: a message's ticket number wins over an ignored row's nothing.
            foreach (var (id, number) in rows)
                if (!taken.TryGetValue(id, out var known) || known is null) taken[id] = number;
        }
        return taken;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, long>> FindTicketIdsByMessageIdsAsync(IStorageTransaction transaction, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        if (sql.Dialect.Provider == StorageProvider.Sqlite && messageIds.Count <= SqliteSingleLookups)
        {
            // In-process, a lookup per id is a prepared statement run again (~10 µs); an IN list of a new length
            // each time is a new statement for Dapper to expand and SQLite to parse (~200 µs), once per reply.
            foreach (var id in messageIds)
            {
                if (!result.ContainsKey(id) && await sql.ScalarAsync<long?>(transaction, "SELECT ticket_id FROM messages WHERE message_id = @MessageId",
                        new { MessageId = id }, cancellationToken).ConfigureAwait(false) is { } ticket)
                    result[id] = ticket;
            }
            return result;
        }
        foreach (var chunk in messageIds.Distinct(StringComparer.Ordinal).Chunk(InListChunk))
        {
            var rows = await sql.QueryAsync<(string MessageId, long TicketId)>(
                transaction, $"SELECT message_id, ticket_id FROM messages WHERE {sql.Dialect.InList("message_id", "Ids")}", new { Ids = chunk }, cancellationToken).ConfigureAwait(false);
            foreach (var (id, ticket) in rows)
            {
                result[id] = ticket;
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task<AddMessageResult> AddMessageAsync(IStorageTransaction transaction, MessageRecord message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(message.MessageId);

        // ON CONFLICT DO NOTHING (or the locked NOT EXISTS on SQL Server) keeps a duplicate from
        // raising an error, which on PostgreSQL would abort the whole transaction.
        var id = await sql.ScalarAsync<long?>(
            transaction,
            sql.Statement("insert-message", static d => d.InsertIfAbsent("messages", "message_id", InsertMessageColumns)),
            new
            {
                message.TicketId,
                Direction = SqlRunner.Text(message.Direction),
                message.Kind,
                message.MessageId,
                message.InReplyTo,
                ReferenceIds = JsonListHandler.ToJson(message.References),
                FromAddress = SqlRunner.Lower(message.From),
                message.FromName,
                ToAddresses = JsonListHandler.ToJson(message.To),
                CcAddresses = JsonListHandler.ToJson(message.Cc),
                message.Subject,
                SentDate = message.Date,
                TextBody = message.Text,
                NewText = StoredNewText(message),
                HtmlBody = message.Html,
                message.RawReference,
                message.RawSize,
                message.Mailbox,
                message.Uid,
                message.ReceivedAt,
                Status = message.Status is { } status ? SqlRunner.Text(status) : null,
                message.FailureReason,
            },
            cancellationToken).ConfigureAwait(false);

        if (id is null)
        {
            var existing = await sql.QueryFirstOrDefaultAsync<(long Id, long TicketId)>(
                transaction, "SELECT id, ticket_id FROM messages WHERE message_id = @MessageId", new { message.MessageId }, cancellationToken).ConfigureAwait(false);
            return new AddMessageResult(true, existing.Id, existing.TicketId);
        }

        foreach (var attachment in message.Attachments)
        {
            await sql.WriteAsync(
                transaction,
                "INSERT INTO attachments (message_row_id, file_name, content_type, size, content_reference) VALUES (@MessageRowId, @FileName, @ContentType, @Size, @ContentReference)",
                new { MessageRowId = id.Value, attachment.FileName, attachment.ContentType, attachment.Size, attachment.ContentReference },
                cancellationToken).ConfigureAwait(false);
        }

        return new AddMessageResult(false, id.Value, message.TicketId);
    }

    /// <inheritdoc/>
    public async Task<bool> SetMessageStatusAsync(IStorageTransaction transaction, string messageId, DeliveryStatus status, string? failureReason, CancellationToken cancellationToken = default) =>
        await sql.ExecuteAsync(
            transaction,
            "UPDATE messages SET status = @Status, failure_reason = @Reason WHERE message_id = @MessageId",
            new { MessageId = messageId, Status = SqlRunner.Text(status), Reason = failureReason },
            cancellationToken).ConfigureAwait(false) > 0;

    /// <inheritdoc/>
    public async Task AddParticipantsAsync(IStorageTransaction transaction, long ticketId, IEnumerable<(string Address, string Role)> participants, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(participants);
        var upsert = sql.Statement("upsert-participant", static d => d.Upsert("participants", ["ticket_id", "address"], [], "ticket_id", "address", "role", "added_at"));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (address, role) in participants)
        {
            var lower = SqlRunner.Lower(address);
            if (lower.Length == 0 || !seen.Add(lower))
            {
                continue;
            }

            await sql.WriteAsync(transaction, upsert, new { TicketId = ticketId, Address = lower, Role = role, AddedAt = at }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> IsParticipantAsync(IStorageTransaction transaction, long ticketId, string address, CancellationToken cancellationToken = default) =>
        await sql.ScalarAsync<long?>(
            transaction,
            "SELECT 1 FROM participants WHERE ticket_id = @TicketId AND address = @Address",
            new { TicketId = ticketId, Address = SqlRunner.Lower(address) },
            cancellationToken).ConfigureAwait(false) is not null;

    /// <inheritdoc/>
    public Task AddRuleDecisionAsync(IStorageTransaction transaction, RuleDecisionRecord decision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return sql.WriteAsync(
            transaction,
            "INSERT INTO rule_decisions (ticket_id, rule_name, action, decided_at) VALUES (@TicketId, @RuleName, @Action, @DecidedAt)",
            decision,
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<RuleDecisionRecord>> ListRuleDecisionsAsync(IStorageTransaction transaction, long ticketId, CancellationToken cancellationToken = default) =>
        sql.QueryAsync<RuleDecisionRecord>(
            transaction, "SELECT ticket_id, rule_name, action, decided_at FROM rule_decisions WHERE ticket_id = @TicketId ORDER BY id", new { TicketId = ticketId }, cancellationToken);

    /// <inheritdoc/>
    public async Task<TicketDetails?> GetTicketWithMessagesAsync(IStorageTransaction transaction, long number, CancellationToken cancellationToken = default)
    {
        var ticket = await FindTicketByNumberAsync(transaction, number, cancellationToken).ConfigureAwait(false);
        if (ticket is null)
        {
            return null;
        }

        var messages = await sql.QueryAsync<MessageRecord>(
            transaction, $"SELECT {MessageColumns} FROM messages WHERE ticket_id = @TicketId ORDER BY id", new { TicketId = ticket.Id }, cancellationToken).ConfigureAwait(false);
        var attachments = (await sql.QueryAsync<AttachmentRecord>(
            transaction,
            """
            SELECT a.id, a.message_row_id, a.file_name, a.content_type, a.size, a.content_reference
            FROM attachments a JOIN messages m ON m.id = a.message_row_id
            WHERE m.ticket_id = @TicketId ORDER BY a.id
            """,
            new { TicketId = ticket.Id },
            cancellationToken).ConfigureAwait(false)).ToLookup(a => a.MessageRowId);
        var participants = await sql.QueryAsync<ParticipantRecord>(
            transaction, "SELECT ticket_id, address, role, added_at FROM participants WHERE ticket_id = @TicketId ORDER BY added_at, address", new { TicketId = ticket.Id }, cancellationToken).ConfigureAwait(false);
        // Mail queued as a recipe has no message until the sender writes it (Outbox.ComposedMail): shown from its outbox row meanwhile.
        // A sent row was written first, so only rows not sent are looked at (ix_outbox_due: not the whole history of the outbox).
        var unwritten = await sql.QueryAsync<OutboxItem>(
            transaction,
            """
            SELECT o.id, o.ticket_id, o.kind, o.envelope_from, o.recipients, o.message_id, o.status, o.last_error, o.created_at
            FROM outbox o
            WHERE o.status IN ('queued', 'sending', 'failed') AND o.ticket_id = @TicketId AND o.recipe IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.message_id = o.message_id)
            ORDER BY o.id
            """,
            new { TicketId = ticket.Id },
            cancellationToken).ConfigureAwait(false);
        var all = messages.Select(m => WithNewText(m) with { Attachments = attachments[m.Id].ToList() })
            .Concat(unwritten.Select(UnwrittenMessage))
            .OrderBy(m => m.ReceivedAt) // stable: stored messages first at the same instant, as they were queued after
            .ToList();
        return new TicketDetails(ticket, all, participants);
    }

    /// <summary>What an outbox row queued as a recipe tells of its outbound message before it is written: no subject or text yet.</summary>
    private static MessageRecord UnwrittenMessage(OutboxItem row) => new()
    {
        TicketId = row.TicketId ?? 0,
        Direction = MessageDirection.Outbound,
        Kind = row.Kind,
        MessageId = row.MessageId,
        From = row.EnvelopeFrom ?? "",
        To = row.Recipients,
        Date = row.CreatedAt,
        ReceivedAt = row.CreatedAt,
        Status = row.Status == OutboxStatus.Failed ? DeliveryStatus.Failed : DeliveryStatus.Queued,
        FailureReason = row.Status == OutboxStatus.Failed ? row.LastError : null,
    };
}
