using TicketWorker.Configuration;
using TicketWorker.Storage;

namespace TicketWorker.Outbox;

/// <summary>Stores a copy of a sent message in a mailbox's Sent folder (IMAP APPEND); failures never fail the message.</summary>
public interface ISentFolderAppender
{
    /// <summary>Appends <paramref name="item"/>'s raw bytes to <paramref name="mailbox"/>'s <see cref="MailboxOptions.SentFolder"/>, flagged \Seen.</summary>
    Task AppendAsync(MailboxOptions mailbox, OutboxItem item, DateTimeOffset sentAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Called when a batch of sends is over: an appender that keeps one session per batch closes it
    /// here. The default does nothing, so appenders without sessions need not care.
    /// </summary>
    Task EndBatchAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}
