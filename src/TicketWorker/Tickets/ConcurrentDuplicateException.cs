namespace TicketWorker.Tickets;

/// <summary>
/// Another worker committed a message with the same Message-ID while this transaction wrote it:
/// roll back and write again, the duplicate check then sees it.
/// </summary>
public sealed class ConcurrentDuplicateException(string messageId)
    : Exception($"Message-ID {messageId} was stored by another worker meanwhile.")
{
    /// <summary>The Message-ID stored twice.</summary>
    public string MessageId { get; } = messageId;
}
