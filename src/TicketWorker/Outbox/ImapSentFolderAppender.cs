using TicketWorker.Configuration;
using TicketWorker.Intake;
using TicketWorker.Mail.Protocol;
using TicketWorker.Storage;

namespace TicketWorker.Outbox;

/// <summary>Copies sent mail into the mailbox's Sent folder over IMAP (its own short session), creating the folder when the server asks for it.</summary>
public sealed class ImapSentFolderAppender(LoadedSettings settings) : ISentFolderAppender
{
    private static readonly string[] SeenFlag = ["\\Seen"];

    /// <inheritdoc/>
    public async Task AppendAsync(MailboxOptions mailbox, OutboxItem item, DateTimeOffset sentAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(item);
        var folder = mailbox.SentFolder;
        ArgumentException.ThrowIfNullOrEmpty(folder);
        await using var client = await ServerConnections.OpenImapAsync(settings, mailbox, cancellationToken).ConfigureAwait(false);
        try
        {
            await client.AppendAsync(folder, item.Raw, SeenFlag, sentAt, cancellationToken).ConfigureAwait(false);
        }
        catch (MailCommandException ex) when (ex.ResponseCode == "TRYCREATE")
        {
            // RFC 3501 §6.3.11: TRYCREATE says the folder is missing and creating it may help.
            await client.CreateFolderAsync(folder, cancellationToken).ConfigureAwait(false);
            await client.AppendAsync(folder, item.Raw, SeenFlag, sentAt, cancellationToken).ConfigureAwait(false);
        }

        await client.LogoutAsync(cancellationToken).ConfigureAwait(false);
    }
}
