using System.Globalization;
using Microsoft.Extensions.Logging;
using TicketWorker.Configuration;
using TicketWorker.Hosting;
using TicketWorker.Mail.Imap;
using TicketWorker.Mail.Protocol;
using TicketWorker.Storage;

namespace TicketWorker.Intake;

/// <summary>
/// Intake of one IMAP mailbox folder: connect, catch up from the checkpoint, then IDLE (or poll) and
/// repeat; reconnect with backoff. At-least-once: the checkpoint (last UID per UIDVALIDITY) moves only
/// after the message is committed, and intake is idempotent by Message-ID, so a crash at any point
/// reprocesses at most a few messages as duplicates. \Seen is never used: agents read this mailbox too.
/// </summary>
public sealed partial class MailboxIntake(TicketWorkerRuntime runtime, MailboxOptions mailbox, string workerId, ILogger logger)
{
    /// <summary>Messages fetched per UID FETCH command.</summary>
    public int BatchSize { get; init; } = 500;
    /// <summary>A mailbox is held by one worker at a time for this long, renewed while connected.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(90);
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);

    private IMailboxStateStore State => runtime.MailboxState;
    private TimeProvider Time => runtime.Time;

    /// <summary>Runs until <paramref name="stopping"/> is cancelled: the message in hand is finished and committed, then the session logs out.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var backoff = new Backoff(InitialBackoff, MaxBackoff);
        string? lastReported = null;
        while (!stopping.IsCancellationRequested)
        {
            string? error = null;
            try
            {
                if (!await TryLeaseAsync(stopping).ConfigureAwait(false))
                {
                    Log.LeaseHeldElsewhere(logger, mailbox.Name);
                    await Task.Delay(LeaseDuration / 3, Time, stopping).ConfigureAwait(false);
                    continue;
                }
                await using var client = await ServerConnections.OpenImapAsync(runtime.Settings, mailbox, stopping).ConfigureAwait(false);
                Log.Connected(logger, mailbox.Name, mailbox.Imap.Host, client.Capabilities.HasFlag(ImapCapabilities.Idle));
                lastReported = null;
                backoff.Reset();
                await SessionAsync(client, stopping).ConfigureAwait(false);
                await LogoutQuietlyAsync(client).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (AuthenticationFailedException e)
            {
                error = "login failed: " + e.Message;
            }
            catch (MailProtocolException e)
            {
                error = e.Message;
            }
            catch (IOException e)
            {
                error = "connection: " + e.Message;
            }
            catch (StorageException e)
            {
                error = "database: " + e.Message;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A bug must not end this mailbox's intake for good (nor the other mailboxes'):
                // say it with its stack trace once, back off, try again from the checkpoint.
                error = $"unexpected {e.GetType().Name}: {e.Message}";
                if (error != lastReported) Log.Unexpected(logger, e, mailbox.Name);
            }

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

    /// <summary>One connected session: select, catch up, wait for news, repeat until the connection or the worker stops.</summary>
    private async Task SessionAsync(ImapClient client, CancellationToken stopping)
    {
        var folder = await client.SelectAsync(mailbox.Folder, stopping).ConfigureAwait(false);
        while (!stopping.IsCancellationRequested)
        {
            await CatchUpAsync(client, folder, stopping).ConfigureAwait(false);
            if (stopping.IsCancellationRequested) return;
            if (!await TryLeaseAsync(stopping).ConfigureAwait(false)) return;
            if (client.Capabilities.HasFlag(ImapCapabilities.Idle))
            {
                // Re-issued well before the 29-minute limit (RFC 2177 §3), and often enough to renew the lease.
                await client.IdleAsync(LeaseDuration * 2 / 3, stopping).ConfigureAwait(false);
            }
            else
            {
                await Task.Delay(mailbox.PollInterval, Time, stopping).ConfigureAwait(false);
                await client.NoopAsync(stopping).ConfigureAwait(false);
            }
            folder = client.SelectedFolder ?? folder;
        }
    }

    /// <summary>Ingests every message after the checkpoint; returns how many were processed.</summary>
    public async Task<int> CatchUpAsync(ImapClient client, FolderInfo folder, CancellationToken stopping)
    {
        var checkpoint = await runtime.Database.InReadAsync(tx => State.GetCheckpointAsync(tx, mailbox.Name, mailbox.Folder, stopping), stopping).ConfigureAwait(false);
        var historyBelow = await HistoryBoundaryAsync(folder, stopping).ConfigureAwait(false);
        long lastUid = 0;
        if (checkpoint is not null && checkpoint.UidValidity == folder.UidValidity) lastUid = checkpoint.LastUid;
        else if (checkpoint is not null) Log.UidValidityChanged(logger, mailbox.Name, checkpoint.UidValidity, folder.UidValidity);
        if (checkpoint is null && mailbox.FirstStart == "Skip") lastUid = Math.Max(0, (long)folder.UidNext - 1);

        var uids = (await client.SearchAsync(SearchQuery.Uids(UidSet.Range((uint)lastUid + 1)), stopping).ConfigureAwait(false))
            .Where(u => u > lastUid).Order().ToList();
        await RecordStatusAsync(true, null, uids.Count, stopping, folder.UidValidity, lastUid).ConfigureAwait(false);
        var processed = 0;
        for (var start = 0; start < uids.Count && !stopping.IsCancellationRequested; start += BatchSize)
        {
            var batch = uids.Skip(start).Take(BatchSize).ToList();
            var done = new List<uint>(batch.Count);
            await foreach (var message in client.FetchAsync(UidSet.Of(batch), stopping).ConfigureAwait(false))
            {
                // The message in hand is finished even when stopping: its commit must not be torn.
                var source = new IngestSource(mailbox.Name, message.Uid, IsHistory: message.Uid < historyBelow && mailbox.FirstStart == "Quiet");
                await runtime.Ingest.IngestAsync(message.Body, source, CancellationToken.None).ConfigureAwait(false);
                done.Add(message.Uid);
                lastUid = Math.Max(lastUid, message.Uid);
                if (stopping.IsCancellationRequested) break;
            }
            await RecordStatusAsync(true, null, uids.Count - start - done.Count, CancellationToken.None, folder.UidValidity, lastUid).ConfigureAwait(false);
            processed += done.Count;
            if (stopping.IsCancellationRequested) break;
            await MarkAsync(client, folder, done, stopping).ConfigureAwait(false);
            // A long backlog must not outlive the lease: renew it per batch, give way if it was taken.
            if (start + BatchSize < uids.Count && !await TryLeaseAsync(stopping).ConfigureAwait(false)) break;
        }
        return processed;
    }

    /// <summary>Marks processed mail for humans (keyword or folder); the checkpoint, not the mark, is the truth.</summary>
    private async Task MarkAsync(ImapClient client, FolderInfo folder, List<uint> uids, CancellationToken cancellationToken)
    {
        if (uids.Count == 0) return;
        try
        {
            if (!string.IsNullOrEmpty(mailbox.MoveToFolder))
                await client.MoveAsync(UidSet.Of(uids), mailbox.MoveToFolder, cancellationToken: cancellationToken).ConfigureAwait(false);
            else if (!string.IsNullOrEmpty(mailbox.ProcessedKeyword) && AllowsKeyword(folder, mailbox.ProcessedKeyword))
                await client.StoreAsync(UidSet.Of(uids), StoreAction.Add, [mailbox.ProcessedKeyword], cancellationToken).ConfigureAwait(false);
        }
        catch (MailCommandException e)
        {
            Log.MarkFailed(logger, mailbox.Name, e.Message);
        }
    }

    private static bool AllowsKeyword(FolderInfo folder, string keyword) =>
        folder.PermanentFlags.Contains("\\*") || folder.PermanentFlags.Contains(keyword, StringComparer.OrdinalIgnoreCase);

    /// <summary>UIDs below this were in the folder at the first start (kept in settings so a restart mid-import agrees).</summary>
    private async Task<long> HistoryBoundaryAsync(FolderInfo folder, CancellationToken cancellationToken)
    {
        var key = $"intake:{mailbox.Name}:{mailbox.Folder}:history";
        return await runtime.Database.InTransactionAsync(async tx =>
        {
            var stored = await runtime.SettingsStore.GetAsync(tx, key, cancellationToken).ConfigureAwait(false);
            if (stored?.Split(':') is [var validity, var below] && validity == folder.UidValidity.ToString(CultureInfo.InvariantCulture))
                return long.Parse(below, CultureInfo.InvariantCulture);
            // First start (or a new UIDVALIDITY: the folder was rebuilt, its mail is history too).
            var value = (long)folder.UidNext;
            await runtime.SettingsStore.SetAsync(tx, key, $"{folder.UidValidity}:{value}", cancellationToken).ConfigureAwait(false);
            return value;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> TryLeaseAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        return await runtime.Database.InTransactionAsync(async tx =>
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
            await runtime.Database.InTransactionAsync(async tx =>
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
            await runtime.Database.InTransactionAsync(async tx =>
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
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.LogoutAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MailProtocolException or IOException or OperationCanceledException)
        {
            // Leaving anyway.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Information, "Mailbox {Mailbox}: connected to {Host} (IDLE: {Idle})")]
        public static partial void Connected(ILogger logger, string mailbox, string host, bool idle);

        [LoggerMessage(11, LogLevel.Warning, "Mailbox {Mailbox}: {Error}; retrying with backoff")]
        public static partial void IntakeFailed(ILogger logger, string mailbox, string error);

        [LoggerMessage(12, LogLevel.Warning, "Mailbox {Mailbox}: UIDVALIDITY changed from {Old} to {New}; re-scanning the folder (duplicates are caught by Message-ID)")]
        public static partial void UidValidityChanged(ILogger logger, string mailbox, long old, long @new);

        [LoggerMessage(13, LogLevel.Warning, "Mailbox {Mailbox}: marking processed mail failed: {Error}")]
        public static partial void MarkFailed(ILogger logger, string mailbox, string error);

        [LoggerMessage(15, LogLevel.Error, "Mailbox {Mailbox}: unexpected failure; retrying with backoff")]
        public static partial void Unexpected(ILogger logger, Exception exception, string mailbox);

        [LoggerMessage(14, LogLevel.Information, "Mailbox {Mailbox}: held by another worker; waiting")]
        public static partial void LeaseHeldElsewhere(ILogger logger, string mailbox);
    }
}
