using TicketWorker.Hosting;
using TicketWorker.Storage;

namespace TicketWorker.Outbox;

public sealed partial class OutboxSender
{
    /// <summary>
    /// The journal folder of this database: outbox row ids mean nothing in another database, so a
    /// data folder reused with a fresh database never marks its rows from an old journal.
    /// </summary>
    private const string DatabaseIdKey = "outbox:journal-database-id";

    /// <summary>Runs <paramref name="write"/> on the journal; false (and one warning) when there is none or it failed.</summary>
    private bool TryJournal(Action<SentJournal> write)
    {
        if (_journal is null) return false;
        try
        {
            write(_journal);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (!_warnedJournal)
            {
                _warnedJournal = true;
                Log.JournalFailed(_log, _journal.FilePath, OneLine(ex));
            }

            return false;
        }
    }

    /// <summary>
    /// Commits what this worker journaled and what dead workers of this host left in their journals
    /// (then deletes those), in one transaction. Throws when the database fails; nothing is lost then:
    /// the entries stay for the next call.
    /// </summary>
    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        await OpenJournalAsync(cancellationToken).ConfigureAwait(false);
        if (_journal is null) return;
        var orphans = DeadWorkersJournals();
        if (_unreconciled.Count == 0 && orphans.Count == 0) return;

        var entries = _unreconciled.Concat(orphans.SelectMany(o => o.Content.Sent)).ToList();
        await InTransactionAsync(async tx =>
        {
            foreach (var entry in entries)
            {
                await _outbox.MarkSentAsync(tx, entry.Row, entry.At, entry.Note, CancellationToken.None).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        _unreconciled.Clear();
        _journal.TrimCommitted();
        foreach (var (path, worker, content) in orphans)
        {
            Log.TookOverJournal(_log, worker, content.Sent.Count, content.InFlight.Count);
            foreach (var row in content.AfterData)
            {
                Log.MaybeDeliveredTwice(_log, row, worker);
            }

            try
            {
                File.Delete(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Read again next round: marking sent twice changes nothing.
                Log.JournalFailed(_log, path, OneLine(ex));
            }
        }
    }

    /// <summary>The end-of-round reconcile: a database failure is logged and retried before the next claim.</summary>
    private async Task TryReconcileAsync()
    {
        try
        {
            await ReconcileAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ReconcileFailed(_log, _unreconciled.Count, OneLine(ex));
        }
    }

    private async Task OpenJournalAsync(CancellationToken cancellationToken)
    {
        if (_journalOpened || _journalFolder is null) return;
        var id = await _database.InReadAsync(tx => new SqlSettingsStore(_database).GetAsync(tx, DatabaseIdKey, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (id is null)
        {
            await InTransactionAsync(async tx =>
            {
                var settings = new SqlSettingsStore(_database);
                if (await settings.GetAsync(tx, DatabaseIdKey, CancellationToken.None).ConfigureAwait(false) is null)
                {
                    await settings.SetAsync(tx, DatabaseIdKey, Guid.NewGuid().ToString("N"), CancellationToken.None).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
            id = await _database.InReadAsync(tx => new SqlSettingsStore(_database).GetAsync(tx, DatabaseIdKey, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        _journal = new SentJournal(Path.Combine(_journalFolder, id!), _worker);
        _journalOpened = true;
    }

    private List<(string Path, string Worker, JournalContent Content)> DeadWorkersJournals()
    {
        var result = new List<(string, string, JournalContent)>();
        if (_journal is null || !Directory.Exists(_journal.Directory)) return result;
        foreach (var path in Directory.EnumerateFiles(_journal.Directory, "*" + SentJournal.Extension))
        {
            if (SentJournal.WorkerOf(path) is not { } worker || worker == _worker || !WorkerIdentity.IsDeadLocalWorker(worker)) continue;
            result.Add((path, worker, SentJournal.Read(path)));
        }

        return result;
    }

    /// <summary>Closes the journal file (what it holds is reconciled by the next start).</summary>
    public void Dispose()
    {
        _journal?.Dispose();
        _rounds.Dispose();
    }
}
