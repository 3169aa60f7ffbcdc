using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;
using TicketWorker.Configuration;
using TicketWorker.Intake;
using TicketWorker.Mail.Imap;
using TicketWorker.Storage;

namespace TicketWorker.Outbox;

/// <summary>
/// Copies sent mail into the mailbox's Sent folder over IMAP, creating the folder when it is
/// missing. One session per mailbox serves every copy of a batch: it is opened by the first copy
/// and closed by <see cref="EndBatchAsync"/> (or reopened once when the server dropped it meanwhile).
/// </summary>
public sealed class ImapSentFolderAppender(LoadedSettings settings) : ISentFolderAppender, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    /// <summary>How many IMAP sessions this appender has opened (for tests and benchmarks).</summary>
    public int SessionsOpened { get; private set; }

    /// <inheritdoc/>
    public async Task AppendAsync(MailboxOptions mailbox, OutboxItem item, DateTimeOffset sentAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(item);
        ArgumentException.ThrowIfNullOrEmpty(mailbox.SentFolder);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var message = await MimeMessage.LoadAsync(new MemoryStream(item.Raw, writable: false), cancellationToken).ConfigureAwait(false);
            var reused = _sessions.TryGetValue(mailbox.Name, out var session) && session.Client.IsConnected;
            if (!reused) session = await OpenAsync(mailbox, cancellationToken).ConfigureAwait(false);
            try
            {
                await session!.AppendAsync(message, sentAt, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (reused && e is IOException or SocketException or ImapProtocolException or ServiceNotConnectedException)
            {
                // The kept session died between two copies (server timeout, restart): once more on a new one.
                session = await OpenAsync(mailbox, cancellationToken).ConfigureAwait(false);
                await session.AppendAsync(message, sentAt, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Logs out of every session this batch opened.</summary>
    public async Task EndBatchAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var session in _sessions.Values) await session.CloseAsync().ConfigureAwait(false);
            _sessions.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await EndBatchAsync().ConfigureAwait(false);

    private async Task<Session> OpenAsync(MailboxOptions mailbox, CancellationToken cancellationToken)
    {
        if (_sessions.Remove(mailbox.Name, out var old)) await old.CloseAsync().ConfigureAwait(false);
        var client = await ServerConnections.OpenImapAsync(settings, mailbox, cancellationToken).ConfigureAwait(false);
        SessionsOpened++;
        try
        {
            var folder = await ImapFolders.GetOrCreateAsync(client, mailbox.SentFolder!, cancellationToken).ConfigureAwait(false);
            var session = new Session(client, folder);
            _sessions[mailbox.Name] = session;
            return session;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private sealed record Session(ImapClient Client, IMailFolder Folder)
    {
        public async Task AppendAsync(MimeMessage message, DateTimeOffset sentAt, CancellationToken cancellationToken) =>
            await Folder.AppendAsync(new AppendRequest(message, MessageFlags.Seen, sentAt), cancellationToken).ConfigureAwait(false);

        public async Task CloseAsync()
        {
            try
            {
                if (Client.IsConnected)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await Client.DisconnectAsync(quit: true, timeout.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ImapProtocolException or ImapCommandException or OperationCanceledException)
            {
                // Leaving anyway.
            }
            finally
            {
                Client.Dispose();
            }
        }
    }
}
