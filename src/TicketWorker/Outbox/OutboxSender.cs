using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TicketWorker.Configuration;
using TicketWorker.Hosting;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using TicketWorker.Storage;

namespace TicketWorker.Outbox;

/// <summary>
/// Delivers queued outbox rows: claims a batch of due rows for this worker, sends them over one
/// SMTP connection and records each acceptance in this worker's <see cref="SentJournal"/> right after
/// the server's reply (one write(), microseconds, whatever the database is doing). The journal is
/// reconciled into the outbox table in one transaction at the end of each round and before every
/// claim, where the journals of dead workers of this host are taken over too. So a kill -9 can
/// repeat only a message whose SMTP transaction was in progress. Without a journal folder (or when
/// a journal write fails) each acceptance is committed at once, as before.
/// </summary>
public sealed partial class OutboxSender : IDisposable
{
    private readonly StorageDatabase _database;
    private readonly IOutboxStore _outbox;
    private readonly ITicketStore _tickets;
    private readonly TicketWorkerOptions _options;
    private readonly string _worker;
    private readonly SmtpSessionFactory _smtp;
    private readonly ISentFolderAppender? _sentFolder;
    private readonly ILogger _log;
    private readonly Random _random;
    private bool _warnedNoSentFolder;
    private readonly SemaphoreSlim _rounds = new(1, 1);
    private readonly string? _journalFolder;
    private SentJournal? _journal;
    private bool _journalOpened;
    private bool _warnedJournal;
    private readonly IReadOnlyList<IOutboxComposer> _composers;

    // Accepted by the server and journaled, not yet committed to the outbox table.
    private readonly List<SentEntry> _unreconciled = [];

    /// <summary>Creates a sender for the worker <paramref name="worker"/> (its name in claims).</summary>
    /// <param name="options">The <c>Outbox</c> section, and the mailboxes whose sender address and Sent folder a row names.</param>
    /// <param name="sentFolder">Where copies of sent mail go; none when null.</param>
    public OutboxSender(
        StorageDatabase database, IOutboxStore outbox, ITicketStore tickets, SmtpSessionFactory smtp, TicketWorkerOptions options,
        TimeProvider time, WorkerIdentity worker, ISentFolderAppender? sentFolder = null, ILogger<OutboxSender>? logger = null, Random? random = null,
        IEnumerable<IOutboxComposer>? composers = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(tickets);
        ArgumentNullException.ThrowIfNull(smtp);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(worker);
        _database = database;
        _outbox = outbox;
        _tickets = tickets;
        _smtp = smtp;
        _options = options;
        Time = time;
        _worker = worker.Id;
        _sentFolder = sentFolder;
        _log = logger ?? (ILogger)NullLogger.Instance;
        _random = random ?? Random.Shared;
        _composers = composers?.ToList() ?? [];
        _journalFolder = JournalFolder(options.Outbox.JournalPath, database.Options.RawMailPath);
    }

    /// <summary>
    /// Outbox:JournalPath (relative paths from the raw-mail folder's parent), by default
    /// <c>outbox-journal</c> beside the raw-mail folder (<c>data/outbox-journal</c>); none when neither is set.
    /// </summary>
    internal static string? JournalFolder(string? configured, string? rawMailPath)
    {
        var data = string.IsNullOrWhiteSpace(rawMailPath) ? null : Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(rawMailPath)));
        if (!string.IsNullOrWhiteSpace(configured)) return data is null ? Path.GetFullPath(configured) : Path.GetFullPath(configured, data);
        return data is null ? null : Path.Combine(data, "outbox-journal");
    }

    private OutboxOptions Options => _options.Outbox;

    private TimeProvider Time { get; }

    /// <summary>
    /// One round: claims up to BatchSize due rows, sends them, records each outcome. Cancelling stops
    /// between messages (never inside one) and releases the rows not yet tried.
    /// </summary>
    public async Task<OutboxRunResult> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await _rounds.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // What earlier rounds (or dead workers) journaled is in the table before anything is claimed:
            // a row the server accepted is never claimed again.
            await ReconcileAsync(cancellationToken).ConfigureAwait(false);
            var result = await SendRoundAsync(cancellationToken).ConfigureAwait(false);
            await TryReconcileAsync().ConfigureAwait(false);
            return result;
        }
        finally
        {
            _rounds.Release();
        }
    }

    private async Task<OutboxRunResult> SendRoundAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var claimed = await _database.InTransactionAsync(
            tx => _outbox.ClaimDueAsync(tx, _worker, Options.BatchSize, now, now + Options.ClaimDuration, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        if (claimed.Count == 0)
        {
            return OutboxRunResult.Empty;
        }

        Log.Claimed(_log, claimed.Count, _worker);
        var round = new Round(claimed.Count);
        OutboxSmtpClient? client = null;
        // Rows queued as recipes, composed a group ahead (bytes stored); and rows already failed or rescheduled while composing.
        var composed = new Dictionary<long, OutboxItem>();
        var settled = new HashSet<long>();
        // The claimed rows from this one on that composing has not already failed or rescheduled.
        IEnumerable<OutboxItem> Unsettled(int from) => claimed.Skip(from).Where(r => !settled.Contains(r.Id));
        try
        {
            for (var i = 0; i < claimed.Count; i++)
            {
                var row = claimed[i];
                if (settled.Contains(row.Id)) continue;
                if (cancellationToken.IsCancellationRequested || ClaimRunsOut(row))
                {
                    // Shutting down, or too close to the claim's end to finish before another worker
                    // may take the row: hand the rest back untouched.
                    await ReleaseAsync(Unsettled(i), round).ConfigureAwait(false);
                    break;
                }

                if (await DropIfAnsweredAsync(row, cancellationToken).ConfigureAwait(false))
                {
                    round.Dropped++;
                    continue;
                }

                if (NeedsComposing(row))
                {
                    if (!composed.ContainsKey(row.Id)) await ComposeAheadAsync(claimed, i, composed, settled, round).ConfigureAwait(false);
                    if (!composed.Remove(row.Id, out var ready)) continue;
                    row = ready;
                }

                if (client is null)
                {
                    try
                    {
                        client = await _smtp.ConnectAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        await ReleaseAsync(Unsettled(i), round).ConfigureAwait(false);
                        break;
                    }
                    catch (Exception ex)
                    {
                        // Our relay is down or refuses us: the messages are fine, so they wait for it
                        // (never failed for this, whatever their attempt count).
                        var settingsRefused = ex is AuthenticationException or SslHandshakeException;
                        if (settingsRefused)
                        {
                            Log.SmtpSettingsRefused(_log, claimed.Count - i, OneLine(ex));
                        }
                        else
                        {
                            Log.ServerUnavailable(_log, claimed.Count - i, OneLine(ex));
                        }

                        var reason = (settingsRefused ? "SMTP login or certificate refused: " : "SMTP server unavailable: ") + OneLine(ex);
                        Observability.TicketWorkerMetrics.SmtpFailed(settingsRefused ? "login" : "connection");
                        await RescheduleAllAsync(Unsettled(i), reason, round).ConfigureAwait(false);
                        break;
                    }
                }

                if (!await SendOneAsync(client, row, round).ConfigureAwait(false))
                {
                    // The server wants a login we do not have: like a refused login, the rest waits.
                    await RescheduleAllAsync(Unsettled(i + 1), "SMTP login or certificate refused: the server requires authentication", round).ConfigureAwait(false);
                    break;
                }

                if (!client.IsConnected)
                {
                    client.Dispose();
                    client = null;
                }
            }
        }
        finally
        {
            if (client is not null)
            {
                await QuitQuietlyAsync(client).ConfigureAwait(false);
            }

            // One IMAP session per batch for the Sent-folder copies: closed here, opened by the first copy.
            if (_sentFolder is not null)
            {
                await _sentFolder.EndBatchAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        return round.ToResult();
    }

    /// <summary>
    /// A delayed acknowledgement (ack.delay, the classic "answer within 15 minutes or acknowledge")
    /// is dropped when an agent answered the ticket before it became due.
    /// </summary>
    private async Task<bool> DropIfAnsweredAsync(OutboxItem row, CancellationToken cancellationToken)
    {
        if (row.Kind != "ack" || row.TicketId is not { } ticketId) return false;
        // Read first: on SQLite a write transaction waits for intake's batch, and almost always nothing changes.
        var answered = await _database.InReadAsync(
            async tx => (await _tickets.FindTicketByIdAsync(tx, ticketId, cancellationToken).ConfigureAwait(false))?.FirstResponseAt is not null,
            cancellationToken).ConfigureAwait(false);
        if (!answered) return false;
        return await _database.InTransactionAsync(async tx =>
        {
            var ticket = await _tickets.FindTicketByIdAsync(tx, ticketId, cancellationToken).ConfigureAwait(false);
            if (ticket?.FirstResponseAt is null) return false;
            const string reason = "not sent: an agent answered first";
            await _outbox.CancelAsync(tx, row.Id, reason, cancellationToken).ConfigureAwait(false);
            await _tickets.SetMessageStatusAsync(tx, row.MessageId, DeliveryStatus.Failed, reason, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one row and records the outcome; false when the server requires a login we do not have (the row is rescheduled).</summary>
    private async Task<bool> SendOneAsync(OutboxSmtpClient client, OutboxItem row, Round round)
    {
        if (EnvelopeSender(row) is not { } sender)
        {
            await FailAsync(row, "not sendable: no envelope sender: the row has none and its mailbox no address", round).ConfigureAwait(false);
            return true;
        }

        if (row.Raw.Length == 0 || row.Recipients.Count == 0)
        {
            await FailAsync(row, row.Raw.Length == 0 ? "not sendable: the row holds no message bytes" : "not sendable: the row has no recipients", round).ConfigureAwait(false);
            return true;
        }

        SmtpDelivery delivery;
        long accepted;
        long? dataWritten = null;
        // Marks the row in flight: if the worker dies before its "sent" line, the server may have it.
        TryJournal(j => j.BeginSend(row.Id));
        try
        {
            // Not cancellable: once MAIL is on the wire the message is finished or abandoned by the
            // server, never cut off by us; the client's Timeout bounds the wait.
            delivery = await client.SendStoredAsync(row.Raw, sender, row.Recipients, row.IdempotencyKey, $"outbox-row-{row.Id}", CancellationToken.None, () =>
            {
                dataWritten = Stopwatch.GetTimestamp();
                TryJournal(j => j.DataWritten(row.Id));
            }).ConfigureAwait(false);
            accepted = Stopwatch.GetTimestamp();
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or FormatException or MimeKit.ParseException)
        {
            await FailAsync(row, "not sendable: " + OneLine(ex), round).ConfigureAwait(false);
            return true;
        }
        catch (ServiceNotAuthenticatedException ex)
        {
            await RescheduleAllAsync([row], "SMTP login or certificate refused: " + OneLine(ex), round).ConfigureAwait(false);
            return false;
        }
        catch (SmtpCommandException ex)
        {
            Observability.TicketWorkerMetrics.SmtpFailed("refused");
            await CommandRefusedAsync(client, row, ex, round).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is ProtocolException or IOException or System.Net.Sockets.SocketException or TimeoutException or ObjectDisposedException or ServiceNotConnectedException or OperationCanceledException)
        {
            // The connection died during this message's transaction (MailKit has disconnected): try it again later.
            Observability.TicketWorkerMetrics.SmtpFailed("connection");
            await RetryLaterAsync(row, OneLine(ex), round).ConfigureAwait(false);
            return true;
        }

        // The crash window: from the server's 250 to the durable "sent" record. Nothing else happens in between.
        var sentAt = Time.GetUtcNow();
        var note = delivery.Refused.Count == 0 ? null : "sent; refused recipients: " + string.Join("; ", delivery.Refused);
        var journaled = TryJournal(j => j.RecordSent(row.Id, sentAt, note));
        var window = Stopwatch.GetElapsedTime(accepted);
        // The whole span in which a crash may resend: end of data → server's reply → our record.
        var exposed = dataWritten is { } d ? Stopwatch.GetElapsedTime(d) : window;

        // The table learns it at once as well: the journal covers only this worker's restart (and another
        // worker of this host), while a worker on another host or data folder sees nothing but the table.
        // Deferring this commit to the end of the round let a second worker resend a killed worker's whole
        // round (the fleet kill test: 19 identical resends).
        try
        {
            await _database.InTransactionAsync(
                async tx =>
                {
                    await _outbox.MarkSentAsync(tx, row.Id, sentAt, note, CancellationToken.None).ConfigureAwait(false);
                    return 0;
                },
                CancellationToken.None).ConfigureAwait(false);
            if (journaled && _unreconciled.Count == 0) TryJournal(j => j.TrimCommitted());
        }
        catch (Exception ex) when (journaled && ex is not OperationCanceledException)
        {
            // The database is busy or away: the journal holds the 250 and the next reconcile commits it.
            _unreconciled.Add(new SentEntry(row.Id, sentAt, note));
            Log.ReconcileFailed(_log, _unreconciled.Count, OneLine(ex));
        }

        round.Sent(window);
        Observability.TicketWorkerMetrics.Sent(row.Kind);
        Log.Sent(_log, row.Id, row.TicketId, row.MessageId, row.Recipients.Count - delivery.Refused.Count, row.Attempts, delivery.QueueId, window.TotalMilliseconds, journaled ? "journal" : "database", exposed.TotalMilliseconds);
        if (note is not null)
        {
            Log.SomeRecipientsRefused(_log, row.Id, row.TicketId, row.MessageId, note);
        }

        await CopyToSentFolderAsync(row, sentAt).ConfigureAwait(false);
        return true;
    }

    /// <summary>Bytes of composed mail stored (and held in memory) per group: one write transaction per group, not per mail.</summary>
    private const long ComposeGroupBytes = 4 << 20;

    private static bool NeedsComposing(OutboxItem row) => row.Raw.Length == 0 && row.Recipe is not null;

    /// <summary>
    /// Writes the mail of the row at <paramref name="start"/> and of the claimed rows after it that are queued as
    /// recipes too, up to <see cref="ComposeGroupBytes"/>, and stores their bytes in one transaction before the
    /// first SMTP attempt (a retry or a resend after a crash sends these bytes; on SQLite one write per group, not
    /// per mail, while intake holds the lock in turns). A row that cannot be composed is failed or rescheduled
    /// and added to <paramref name="settled"/>; the others go to <paramref name="composed"/>.
    /// </summary>
    private async Task ComposeAheadAsync(IReadOnlyList<OutboxItem> claimed, int start, Dictionary<long, OutboxItem> composed, HashSet<long> settled, Round round)
    {
        var group = new List<(OutboxItem Row, ComposedMail Mail)>();
        long bytes = 0;
        for (var j = start; j < claimed.Count && bytes < ComposeGroupBytes; j++)
        {
            var row = claimed[j];
            if (!NeedsComposing(row) || settled.Contains(row.Id) || composed.ContainsKey(row.Id)) continue;
            if (_composers.FirstOrDefault(c => c.Composes(row.Kind)) is not { } composer)
            {
                settled.Add(row.Id);
                await FailAsync(row, $"not sendable: nothing in this process composes {row.Kind} rows queued without bytes", round).ConfigureAwait(false);
                continue;
            }

            try
            {
                var mail = await composer.ComposeAsync(row, CancellationToken.None).ConfigureAwait(false);
                group.Add((row, mail));
                bytes += mail.Raw.Length;
            }
            catch (OutboxCompositionException ex)
            {
                settled.Add(row.Id);
                await FailAsync(row, "not composable: " + OneLine(ex), round).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database busy or away, the raw mail unreadable for a moment: the row waits for another attempt.
                settled.Add(row.Id);
                await RetryLaterAsync(row, "composing failed: " + OneLine(ex), round).ConfigureAwait(false);
            }
        }

        if (group.Count == 0) return;
        try
        {
            await _database.InTransactionAsync(
                async tx =>
                {
                    foreach (var (row, mail) in group)
                        await mail.StoreAsync(tx, row.Id, _outbox, _tickets, CancellationToken.None).ConfigureAwait(false);
                    return 0;
                },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            foreach (var (row, _) in group)
            {
                settled.Add(row.Id);
                await RetryLaterAsync(row, "composing failed: " + OneLine(ex), round).ConfigureAwait(false);
            }
            return;
        }

        foreach (var (row, mail) in group) composed[row.Id] = row with { Raw = mail.Raw };
    }

    private async Task CopyToSentFolderAsync(OutboxItem row, DateTimeOffset sentAt)
    {
        if (FindMailbox(row.Mailbox) is not { SentFolder: { Length: > 0 } folder } mailbox)
        {
            return;
        }

        if (_sentFolder is null)
        {
            if (!_warnedNoSentFolder)
            {
                _warnedNoSentFolder = true;
                Log.NoSentFolderAppender(_log, mailbox.Name, folder);
            }

            return;
        }

        try
        {
            await _sentFolder.AppendAsync(mailbox, row, sentAt, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The customer has the message; a missing copy in Sent is only an inconvenience.
            Log.SentFolderFailed(_log, row.Id, row.MessageId, mailbox.Name, folder, OneLine(ex));
        }
    }

    private async Task RetryLaterAsync(OutboxItem row, string error, Round round)
    {
        if (row.Attempts >= Options.MaxAttempts)
        {
            await FailAsync(row, $"gave up after {row.Attempts} attempts: {error}", round).ConfigureAwait(false);
            return;
        }

        var next = Time.GetUtcNow() + RetryDelay(row.Attempts);
        await InTransactionAsync(tx => _outbox.RescheduleAsync(tx, row.Id, next, error, CancellationToken.None)).ConfigureAwait(false);
        round.Rescheduled++;
        Log.Rescheduled(_log, row.Id, row.TicketId, row.MessageId, row.Attempts, next, error);
    }

    private async Task RescheduleAllAsync(IEnumerable<OutboxItem> rows, string error, Round round)
    {
        var now = Time.GetUtcNow();
        foreach (var row in rows)
        {
            var next = now + RetryDelay(row.Attempts);
            await InTransactionAsync(tx => _outbox.RescheduleAsync(tx, row.Id, next, error, CancellationToken.None)).ConfigureAwait(false);
            round.Rescheduled++;
            Log.Rescheduled(_log, row.Id, row.TicketId, row.MessageId, row.Attempts, next, error);
        }
    }

    private async Task ReleaseAsync(IEnumerable<OutboxItem> rows, Round round)
    {
        var now = Time.GetUtcNow();
        foreach (var row in rows)
        {
            await InTransactionAsync(tx => _outbox.RescheduleAsync(tx, row.Id, now, row.LastError, CancellationToken.None)).ConfigureAwait(false);
            round.Rescheduled++;
        }
    }

    private async Task FailAsync(OutboxItem row, string error, Round round)
    {
        await InTransactionAsync(tx => _outbox.MarkFailedAsync(tx, row.Id, error, Time.GetUtcNow(), CancellationToken.None)).ConfigureAwait(false);
        round.Failed++;
        Log.Failed(_log, row.Id, row.TicketId, row.MessageId, row.Attempts, error);
    }

    /// <summary>
    /// Delay before the attempt after <paramref name="attempts"/> tries: InitialRetryDelay·2^(attempts−1),
    /// capped at MaxRetryDelay, then a random point in its upper half so that rows failed together
    /// do not come back together.
    /// </summary>
    internal TimeSpan RetryDelay(int attempts)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var ceiling = Math.Min(Options.MaxRetryDelay.TotalMilliseconds, Options.InitialRetryDelay.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(ceiling / 2 + (_random.NextDouble() * ceiling / 2));
    }

    private bool ClaimRunsOut(OutboxItem row) =>
        row.ClaimedUntil is { } until && Time.GetUtcNow() + Options.SmtpTimeout >= until;

    private string? EnvelopeSender(OutboxItem row)
    {
        if (!string.IsNullOrEmpty(row.EnvelopeFrom))
        {
            return row.EnvelopeFrom;
        }

        var mailbox = FindMailbox(row.Mailbox) ?? _options.Mailboxes.FirstOrDefault();
        return mailbox is null ? null : !string.IsNullOrEmpty(mailbox.SmtpFrom) ? mailbox.SmtpFrom : mailbox.Address is { Length: > 0 } a ? a : null;
    }

    private MailboxOptions? FindMailbox(string? name) =>
        name is null ? null : _options.Mailboxes.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    private Task InTransactionAsync(Func<IStorageTransaction, Task> work) =>
        _database.InTransactionAsync(
            async tx =>
            {
                await work(tx).ConfigureAwait(false);
                return 0;
            },
            CancellationToken.None);

    private static string OneLine(Exception ex) => ex.Message.ReplaceLineEndings(" ");

    private sealed class Round(int claimed)
    {
        private readonly List<TimeSpan> _windows = [];

        public int Rescheduled { get; set; }

        public int Failed { get; set; }

        public int Dropped { get; set; }

        public void Sent(TimeSpan window) => _windows.Add(window);

        public OutboxRunResult ToResult() => new(claimed, _windows.Count, Rescheduled, Failed, _windows) { Dropped = Dropped };
    }
}
