using TicketWorker.Storage;

namespace TicketWorker.Agents;

/// <summary>
/// What agent mail needs beyond <see cref="ITicketStore"/>: once an agent's stored message is
/// understood (verified or not, a relayed answer or a note), its kind, new text and how it was
/// checked (<see cref="AgentVerdict.How"/>, column <c>agent_check</c>, migration 004) are set; <c>tickets show</c> reads the checks.
/// </summary>
internal sealed class AgentMessageRows(StorageDatabase database)
{
    private const string SetKindSql = "UPDATE messages SET kind = @Kind, new_text = @NewText, agent_check = @Check WHERE id = @Id";
    private const string ListChecksSql = "SELECT message_id AS MessageId, agent_check AS AgentCheck FROM messages WHERE ticket_id = @TicketId AND agent_check IS NOT NULL";

    private readonly SqlRunner _sql = new(database);

    public Task SetKindAsync(IStorageTransaction tx, long messageRowId, string kind, string? newText, string check, CancellationToken cancellationToken) =>
        _sql.ExecuteAsync(tx, SetKindSql, new { Id = messageRowId, Kind = kind, NewText = newText, Check = check }, cancellationToken);

    /// <summary>Message-ID → how the agent's mail was checked, for the messages of a ticket that claimed an agent.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ListChecksAsync(IStorageTransaction tx, long ticketId, CancellationToken cancellationToken)
    {
        var rows = await _sql.QueryAsync<CheckRow>(tx, ListChecksSql, new { TicketId = ticketId }, cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => r.MessageId, r => r.AgentCheck, StringComparer.Ordinal);
    }

    private sealed class CheckRow
    {
        public string MessageId { get; set; } = "";
        public string AgentCheck { get; set; } = "";
    }
}
