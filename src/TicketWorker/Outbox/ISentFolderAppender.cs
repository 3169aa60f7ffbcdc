using TicketWorker.Configuration;
using TicketWorker.Storage;

namespace TicketWorker.Outbox;

/// <summary>Stores a copy of a sent message in a mailbox's Sent folder (IMAP APPEND); failures never fail the message.</summary>
public interface ISentFolderAppender
{
    /// <summary>Appends <paramref name="item"/>'s raw bytes to <paramref name="mailbox"/>'s <see cref="MailboxOptions.SentFolder"/>, flagged \Seen.</summary>
    Task AppendAsync(MailboxOptions mailbox, OutboxItem item, DateTimeOffset sentAt, CancellationToken cancellationToken = default);
}
