using TicketWorker.Storage;

namespace TicketWorker.Agents;

/// <summary>
/// The one write agent mail needs beyond <see cref="ITicketStore"/>: once an agent's stored message is
/// understood (verified or not, a relayed answer or a note), its kind and new text are set.
/// </summary>
internal sealed class AgentMessageRows(StorageDatabase database)
{
    private const string SetKindSql = "UPDATE messages SET kind = @Kind, new_text = @NewText WHERE id = @Id";

    private readonly SqlRunner _sql = new(database);

    public Task SetKindAsync(IStorageTransaction tx, long messageRowId, string kind, string? newText, CancellationToken cancellationToken) =>
        _sql.ExecuteAsync(tx, SetKindSql, new { Id = messageRowId, Kind = kind, NewText = newText }, cancellationToken);
}
