using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using TicketWorker.Configuration;
using TicketWorker.Hosting;
using TicketWorker.Storage;

namespace TicketWorker.Intake;

/// <summary>
/// Intake of one IMAP mailbox folder: connect, catch up from the checkpoint, then IDLE (or poll) and
/// repeat; reconnect with backoff. Group commit: each fetched batch is written in one transaction
/// together with the checkpoint (last UID per UIDVALIDITY), so the checkpoint moves exactly with the
/// messages it covers; a crash before the commit refetches the batch, and intake is idempotent by
/// Message-ID besides. \Seen is never used: agents read this mailbox too.
/// </summary>
/// <remarks>Made by <see cref="MailboxIntakeFactory"/>, which holds what every mailbox shares.</remarks>
public sealed partial class MailboxIntake(
    StorageDatabase database, IMailboxStateStore state, ISettingsStore settingsStore, RawMailStore rawStore, IngestPipeline ingest, LoadedSettings settings,
    TimeProvider time, MailboxOptions mailbox, string workerId, ILogger logger)
{
    /// <summary>Messages fetched per UID FETCH command.</summary>
    public int BatchSize { get; set; } = 500;
    /// <summary>A mailbox is held by one worker at a time for this long, renewed while connected.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(90);
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>
    /// IDLE is left and re-entered at least this often (and at least every two thirds of the lease):
    /// hosted servers drop connections idle near 10 minutes, well before RFC 2177 §3's 29.
    /// </summary>
    public TimeSpan MaxIdle { get; set; } = TimeSpan.FromMinutes(9);

    private IMailboxStateStore State => state;
    private TimeProvider Time => time;

    /// <summary>Runs until <paramref name="stopping"/> is cancelled: the message in hand is finished and committed, then the session logs out.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var backoff = _reconnect = new Backoff(InitialBackoff, MaxBackoff);
        string? lastReported = null;
        while (!stopping.IsCancellationRequested)
        {
            string? error = null;
            ImapClient? client = null;
            try
            {
                if (!await TryLeaseAsync(stopping).ConfigureAwait(false))
                {
                    Log.LeaseHeldElsewhere(logger, mailbox.Name);
                    await Task.Delay(LeaseDuration / 3, Time, stopping).ConfigureAwait(false);
                    continue;
                }
                client = await ServerConnections.OpenImapAsync(settings, mailbox, stopping).ConfigureAwait(false);
                Log.Connected(logger, mailbox.Name, mailbox.Imap.Host, client.Capabilities.HasFlag(ImapCapabilities.Idle));
                lastReported = null;
                await SessionAsync(client, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Stopping: logged out below.
            }
            catch (Exception e) when (Describe(e) is { } described)
            {
                error = described;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A bug must not end this mailbox's intake for good (nor the other mailboxes'):
                // say it with its stack trace once, back off, try again from the checkpoint.
                error = $"unexpected {e.GetType().Name}: {e.Message}";
                if (error != lastReported) Log.Unexpected(logger, e, mailbox.Name);
            }
            finally
            {
                if (client is not null)
                {
                    // RFC 3501 §6.1.3: LOGOUT on the way out, whenever the connection still stands.
                    await LogoutQuietlyAsync(client).ConfigureAwait(false);
                    client.Dispose();
                }
            }
            if (stopping.IsCancellationRequested) break;

            if (error is not null)
            {
                // One line per distinct problem, not a stack trace per poll: a wrong password stays one line.
                if (error != lastReported) Log.IntakeFailed(logger, mailbox.Name, error);
                lastReported = error;
                await RecordStatusAsync(connected: false, error, backlog: null, CancellationToken.None).ConfigureAwait(false);
            }
            try { await Task.Delay(error is null ? TimeSpan.Zero : backoff.Next(), Time, stopping).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
        }
        await ReleaseLeaseAsync().ConfigureAwait(false);
        await RecordStatusAsync(connected: false, null, null, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// The status line for an expected failure, or null for a bug. Connection lost and refused
    /// commands end the session and are retried with backoff; a wrong login stays one clear line.
    /// </summary>
    private string? Describe(Exception e) => e switch
    {
        AuthenticationException => "login failed: " + OneLine(e.Message),
        SslHandshakeException => "TLS: " + OneLine(e.Message),
        FolderNotFoundException => $"folder '{mailbox.Folder}' not found on the server",
        ImapCommandException => "command refused: " + OneLine(e.Message),
        ImapProtocolException or ServiceNotConnectedException or IOException or SocketException => "connection: " + OneLine(e.Message),
        StorageException => "database: " + e.Message,
        _ => null,
    };

    private static string OneLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    private async Task<bool> TryLeaseAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        return await database.InTransactionAsync(async tx =>
        {
            if (await State.TryAcquireLeaseAsync(tx, mailbox.Name, workerId, now, now + LeaseDuration, cancellationToken).ConfigureAwait(false))
                return true;
            // A worker on this host that crashed (kill -9, OOM) cannot renew: take over at once
            // instead of waiting for its lease to run out.
            if (await State.GetLeaseAsync(tx, mailbox.Name, cancellationToken).ConfigureAwait(false) is { } lease && WorkerIdentity.IsDeadLocalWorker(lease.Owner))
            {
                await State.ReleaseLeaseAsync(tx, mailbox.Name, lease.Owner, cancellationToken).ConfigureAwait(false);
                return await State.TryAcquireLeaseAsync(tx, mailbox.Name, workerId, now, now + LeaseDuration, cancellationToken).ConfigureAwait(false);
            }
            return false;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task ReleaseLeaseAsync()
    {
        try
        {
            await database.InTransactionAsync(async tx =>
            {
                await State.ReleaseLeaseAsync(tx, mailbox.Name, workerId, CancellationToken.None).ConfigureAwait(false);
                return 0;
            }).ConfigureAwait(false);
        }
        catch (StorageException e)
        {
            Log.IntakeFailed(logger, mailbox.Name, "releasing the lease: " + e.Message);
        }
    }

    private async Task RecordStatusAsync(bool connected, string? error, long? backlog, CancellationToken cancellationToken, long? uidValidity = null, long? lastUid = null)
    {
        try
        {
            await database.InTransactionAsync(async tx =>
            {
                var current = await State.GetCheckpointAsync(tx, mailbox.Name, mailbox.Folder, cancellationToken).ConfigureAwait(false)
                              ?? new MailboxCheckpoint { Mailbox = mailbox.Name, Folder = mailbox.Folder };
                await State.SetCheckpointAsync(tx, current with
                {
                    UidValidity = uidValidity ?? current.UidValidity,
                    LastUid = lastUid ?? current.LastUid,
                    Connected = connected,
                    LastError = error,
                    LastPollAt = connected ? Time.GetUtcNow() : current.LastPollAt,
                    Backlog = backlog ?? current.Backlog,
                }, cancellationToken).ConfigureAwait(false);
                return 0;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException e) when (!connected)
        {
            Log.IntakeFailed(logger, mailbox.Name, "recording status: " + e.Message);
        }
    }

    private static async Task LogoutQuietlyAsync(ImapClient client)
    {
        if (!client.IsConnected) return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.DisconnectAsync(quit: true, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ImapProtocolException or ImapCommandException or ServiceNotConnectedException or IOException or SocketException or OperationCanceledException)
        {
            // Leaving anyway.
        }
    }
}
