using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using TicketWorker.Mail.Imap;
using TicketWorker.Storage;

namespace TicketWorker.Intake;

public sealed partial class MailboxIntake
{
    private bool _warnedKeyword;

    /// <summary>
    /// The reconnect backoff of <see cref="RunAsync"/>. A login alone does not reset it: with the raw
    /// folder full every login succeeds and every batch fails, and the worker would reconnect about once
    /// a second. It resets when a batch commits or a catch-up completes (the session works).
    /// </summary>
    private Backoff? _reconnect;

    /// <summary>Opens the mailbox's folder read-write (named as the server's namespace wants it).</summary>
    public async Task<ImapFolder> OpenFolderAsync(ImapClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var folder = (ImapFolder)await ImapFolders.GetAsync(client, mailbox.Folder, cancellationToken).ConfigureAwait(false);
        await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken).ConfigureAwait(false);
        return folder;
    }

    /// <summary>One connected session: select, catch up, wait for news, repeat until the connection or the worker stops.</summary>
    private async Task SessionAsync(ImapClient client, CancellationToken stopping)
    {
        // IMAP commands are not cancelled by stopping (a cancelled MailKit command drops the
        // connection): they are short, bounded by the client's timeout, and the session then logs out.
        var folder = await OpenFolderAsync(client, CancellationToken.None).ConfigureAwait(false);
        // Set by EXISTS (RFC 3501 §7.3.1) whenever it arrives, also during a catch-up, so news that
        // came before IDLE started is not left waiting for the next IDLE round.
        var news = false;
        CancellationTokenSource? idling = null;
        void OnCountChanged(object? sender, EventArgs e)
        {
            news = true;
            idling?.Cancel();
        }
        folder.CountChanged += OnCountChanged;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                news = false;
                await CatchUpAsync(client, folder, stopping).ConfigureAwait(false);
                _reconnect?.Reset();
                if (stopping.IsCancellationRequested || !await TryLeaseAsync(stopping).ConfigureAwait(false)) return;
                if (news) continue;
                if (client.Capabilities.HasFlag(ImapCapabilities.Idle))
                {
                    var interval = LeaseDuration * 2 / 3 < MaxIdle ? LeaseDuration * 2 / 3 : MaxIdle;
                    using var timer = new CancellationTokenSource(interval, Time);
                    using var done = CancellationTokenSource.CreateLinkedTokenSource(stopping, timer.Token);
                    idling = done;
                    try
                    {
                        // RFC 2177: the done token sends DONE; the connection itself is never cancelled here.
                        if (!news) await client.IdleAsync(done.Token, CancellationToken.None).ConfigureAwait(false);
                    }
                    finally
                    {
                        idling = null;
                    }
                }
                else
                {
                    try
                    {
                        await Task.Delay(mailbox.PollInterval, Time, stopping).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                    {
                        return;
                    }
                    await client.NoOpAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            folder.CountChanged -= OnCountChanged;
        }
    }

    /// <summary>Ingests every message after the checkpoint; returns how many were processed.</summary>
    public async Task<int> CatchUpAsync(ImapClient client, ImapFolder folder, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(folder);
        var validity = (long)folder.UidValidity;
        var checkpoint = await database.InReadAsync(tx => State.GetCheckpointAsync(tx, mailbox.Name, mailbox.Folder, stopping), stopping).ConfigureAwait(false);
        var historyBelow = await HistoryBoundaryAsync(folder, stopping).ConfigureAwait(false);
        long lastUid = 0;
        if (checkpoint is not null && checkpoint.UidValidity == validity) lastUid = checkpoint.LastUid;
        else if (checkpoint is not null) Log.UidValidityChanged(logger, mailbox.Name, checkpoint.UidValidity, validity);
        if (checkpoint is null && mailbox.FirstStart == "Skip") lastUid = Math.Max(0, historyBelow - 1);

        // RFC 3501 §6.4.8: "n:*" always includes the highest UID, even when it is below n, so what
        // the server returns is filtered again.
        var from = new UniqueId(folder.UidValidity, (uint)Math.Min(lastUid + 1, uint.MaxValue));
        var uids = (await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(from, UniqueId.MaxValue)), CancellationToken.None).ConfigureAwait(false))
            .Where(u => u.Id > lastUid).OrderBy(u => u.Id).ToList();
        await RecordStatusAsync(true, null, uids.Count, stopping, validity, lastUid).ConfigureAwait(false);
        var processed = 0;
        var quiet = mailbox.FirstStart == "Quiet";
        // The next batch is fetched while the one before it is ingested: the IMAP connection would
        // otherwise wait for the database and the database for the IMAP connection. Not when stopping:
        // what is in hand is finished and committed, the rest is fetched again later.
        var next = uids.Count > 0 && !stopping.IsCancellationRequested
            ? await FetchBatchAsync(folder, uids, 0, quiet, historyBelow, stopping).ConfigureAwait(false)
            : null;
        try
        {
            while (next is { } current)
            {
                next = null;
                await using (current.Segment)
                {
                    var batchLast = current.Done.Count > 0 ? Math.Max(lastUid, current.Done.Max(u => (long)u.Id)) : lastUid;
                    var backlog = uids.Count - current.Start - current.Done.Count;
                    // The batch and the checkpoint commit together: the checkpoint never runs ahead of the messages.
                    var ingesting = Task.Run(() => ingest.IngestBatchAsync(current.Segment, current.Items, tx => SetCheckpointAsync(tx, validity, batchLast, backlog), CancellationToken.None));
                    var following = current.Start + BatchSize;
                    Exception? fetchFailed = null;
                    if (following < uids.Count && !current.Halted && !stopping.IsCancellationRequested)
                    {
                        try
                        {
                            next = await FetchBatchAsync(folder, uids, following, quiet, historyBelow, stopping).ConfigureAwait(false);
                        }
                        catch (Exception e)
                        {
                            // Reported once the batch in hand is committed (or not): it must not be left running.
                            fetchFailed = e;
                        }
                    }
                    await ingesting.ConfigureAwait(false);
                    lastUid = batchLast;
                    processed += current.Done.Count;
                    // Done means ticketed and committed, not downloaded: reported per batch once it is in the database.
                    IntakeProgress.Report(mailbox.Name, processed, uids.Count);
                    _reconnect?.Reset();
                    if (fetchFailed is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(fetchFailed);
                    if (current.Halted || stopping.IsCancellationRequested) break;
                    await MarkAsync(client, folder, current.Done, CancellationToken.None).ConfigureAwait(false);
                    // A long backlog must not outlive the lease: renew it per batch, give way if it was taken.
                    if (next is not null && !await TryLeaseAsync(stopping).ConfigureAwait(false)) break;
                }
            }
        }
        finally
        {
            // A batch fetched but not ingested (stopping, the lease lost, a failure): its bytes go, it is fetched again.
            if (next is not null) await next.Segment.DisposeAsync().ConfigureAwait(false);
        }
        return processed;
    }

    /// <summary>A batch fetched into its raw segment, not yet ingested.</summary>
    /// <param name="Start">Its first UID's index in the catch-up's list.</param>
    /// <param name="Halted">Stopping was requested while it was fetched: it holds only what arrived until then.</param>
    private sealed record FetchedBatch(RawMailSegment Segment, List<IngestBatchItem> Items, List<UniqueId> Done, int Start, bool Halted);

    /// <summary>
    /// One UID FETCH of the batch at <paramref name="start"/>; each message's bytes are written to the batch's
    /// segment as its literal arrives (straight into the file with SpoolingImapFolder, else copied from MailKit's stream). Not cancelled by
    /// stopping: it stops taking messages, and what is in hand is finished.
    /// </summary>
    private async Task<FetchedBatch> FetchBatchAsync(ImapFolder folder, List<UniqueId> uids, int start, bool quiet, long historyBelow, CancellationToken stopping)
    {
        var batch = uids.GetRange(start, Math.Min(BatchSize, uids.Count - start));
        var done = new List<UniqueId>(batch.Count);
        var items = new List<IngestBatchItem>(batch.Count);
        var halted = false;
        var segment = rawStore.BeginSegment();
        // Each literal is written straight into the segment; AppendAsync then records it.
        var spooling = folder as SpoolingImapFolder;
        if (spooling is not null) spooling.LiteralTarget = segment.BeginEntry;
        try
        {
            await folder.GetStreamsAsync(batch, async (_, _, uid, stream, _) =>
            {
                if (halted) return;
                var (reference, fullSize) = await segment.AppendAsync(stream, CancellationToken.None).ConfigureAwait(false);
                items.Add(new IngestBatchItem(reference, new IngestSource(mailbox.Name, uid.Id, IsHistory: quiet && uid.Id < historyBelow), fullSize));
                done.Add(uid);
                halted = stopping.IsCancellationRequested;
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            await segment.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            if (spooling is not null) spooling.LiteralTarget = null;
        }
        return new FetchedBatch(segment, items, done, start, halted);
    }

    private async Task SetCheckpointAsync(IStorageTransaction tx, long validity, long lastUid, long backlog)
    {
        var current = await State.GetCheckpointAsync(tx, mailbox.Name, mailbox.Folder, CancellationToken.None).ConfigureAwait(false)
                      ?? new MailboxCheckpoint { Mailbox = mailbox.Name, Folder = mailbox.Folder };
        await State.SetCheckpointAsync(tx, current with
        {
            UidValidity = validity,
            LastUid = lastUid,
            Connected = true,
            LastError = null,
            LastPollAt = Time.GetUtcNow(),
            Backlog = backlog,
        }, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Marks processed mail for humans (keyword or folder); the checkpoint, not the mark, is the truth.</summary>
    private async Task MarkAsync(ImapClient client, IMailFolder folder, List<UniqueId> uids, CancellationToken cancellationToken)
    {
        if (uids.Count == 0) return;
        try
        {
            if (!string.IsNullOrEmpty(mailbox.MoveToFolder))
            {
                var target = await ImapFolders.GetOrCreateAsync(client, mailbox.MoveToFolder, cancellationToken).ConfigureAwait(false);
                await ImapFolders.MoveAsync(client, folder, uids, target, cancellationToken).ConfigureAwait(false);
            }
            else if (!string.IsNullOrEmpty(mailbox.ProcessedKeyword) && ImapFolders.AllowsKeyword(folder, mailbox.ProcessedKeyword))
            {
                var keywords = new HashSet<string>(StringComparer.Ordinal) { mailbox.ProcessedKeyword };
                await folder.StoreAsync(uids, new StoreFlagsRequest(StoreAction.Add, keywords) { Silent = true }, cancellationToken).ConfigureAwait(false);
            }
            else if (!string.IsNullOrEmpty(mailbox.ProcessedKeyword) && !_warnedKeyword)
            {
                _warnedKeyword = true;
                Log.KeywordNotAllowed(logger, mailbox.Name, mailbox.ProcessedKeyword);
            }
        }
        catch (ImapCommandException e)
        {
            // The server said no; the session lives on and the checkpoint already moved.
            Log.MarkFailed(logger, mailbox.Name, e.Message);
        }
    }

    /// <summary>
    /// UIDs below this were in the folder at the first start (kept in settings so a restart
    /// mid-import agrees). UIDNEXT when the server sent it; RFC 3501 §7.3.1 lets it leave UIDNEXT
    /// out, and then the highest UID present + 1.
    /// </summary>
    private async Task<long> HistoryBoundaryAsync(IMailFolder folder, CancellationToken cancellationToken)
    {
        var key = $"intake:{mailbox.Name}:{mailbox.Folder}:history";
        var validity = folder.UidValidity.ToString(CultureInfo.InvariantCulture);
        var stored = await database.InReadAsync(tx => settingsStore.GetAsync(tx, key, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (stored?.Split(':') is [var v, var below] && v == validity) return long.Parse(below, CultureInfo.InvariantCulture);

        long boundary;
        if (folder.UidNext is { } next) boundary = next.Id;
        else
        {
            var highest = await ImapFolders.HighestUidAsync(folder, CancellationToken.None).ConfigureAwait(false);
            Log.NoUidNext(logger, mailbox.Name, highest);
            boundary = highest + 1L;
        }
        // First start (or a new UIDVALIDITY: the folder was rebuilt, its mail is history too).
        return await database.InTransactionAsync(async tx =>
        {
            var again = await settingsStore.GetAsync(tx, key, cancellationToken).ConfigureAwait(false);
            if (again?.Split(':') is [var v2, var below2] && v2 == validity) return long.Parse(below2, CultureInfo.InvariantCulture);
            await settingsStore.SetAsync(tx, key, $"{validity}:{boundary.ToString(CultureInfo.InvariantCulture)}", cancellationToken).ConfigureAwait(false);
            return boundary;
        }, cancellationToken).ConfigureAwait(false);
    }
}
