using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TicketWorker.Configuration;
using TicketWorker.Hosting;
using TicketWorker.Mail.Protocol;
using TicketWorker.Mail.Security;
using TicketWorker.Mail.Smtp;
using TicketWorker.Storage;

namespace TicketWorker.Outbox;

/// <summary>
/// Delivers queued outbox rows: claims a batch of due rows for this worker, sends them over one
/// SMTP connection and records each result in its own short transaction right after the server's
/// reply, so a crash can repeat at most the message in hand.
/// </summary>
public sealed partial class OutboxSender
{
    private readonly TicketWorkerRuntime _runtime;
    private readonly string _worker;
    private readonly SmtpSessionFactory _smtp;
    private readonly ISentFolderAppender? _sentFolder;
    private readonly ILogger _log;
    private readonly Random _random;
    private bool _warnedNoSentFolder;

    /// <summary>Creates a sender for the worker <paramref name="worker"/> (its name in claims).</summary>
    public OutboxSender(TicketWorkerRuntime runtime, string worker, ISentFolderAppender? sentFolder = null, ILogger<OutboxSender>? logger = null, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentException.ThrowIfNullOrEmpty(worker);
        _runtime = runtime;
        _worker = worker;
        _smtp = new SmtpSessionFactory(runtime.Settings);
        _sentFolder = sentFolder;
        _log = logger ?? (ILogger)NullLogger.Instance;
        _random = random ?? Random.Shared;
    }

    private OutboxOptions Options => _runtime.Options.Outbox;

    private TimeProvider Time => _runtime.Time;

    /// <summary>
    /// One round: claims up to BatchSize due rows, sends them, records each outcome. Cancelling stops
    /// between messages (never inside one) and releases the rows not yet tried.
    /// </summary>
    public async Task<OutboxRunResult> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = Time.GetUtcNow();
        var claimed = await _runtime.Database.InTransactionAsync(
            tx => _runtime.Outbox.ClaimDueAsync(tx, _worker, Options.BatchSize, now, now + Options.ClaimDuration, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        if (claimed.Count == 0)
        {
            return OutboxRunResult.Empty;
        }

        Log.Claimed(_log, claimed.Count, _worker);
        var round = new Round(claimed.Count);
        SmtpClient? client = null;
        try
        {
            for (var i = 0; i < claimed.Count; i++)
            {
                var row = claimed[i];
                if (cancellationToken.IsCancellationRequested || ClaimRunsOut(row))
                {
                    // Shutting down, or too close to the claim's end to finish before another worker
                    // may take the row: hand the rest back untouched.
                    await ReleaseAsync(claimed.Skip(i), round).ConfigureAwait(false);
                    break;
                }

                if (client is null)
                {
                    try
                    {
                        client = await _smtp.ConnectAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        await ReleaseAsync(claimed.Skip(i), round).ConfigureAwait(false);
                        break;
                    }
                    catch (Exception ex)
                    {
                        // Our relay is down or refuses us: the messages are fine, so they wait for it
                        // (never failed for this, whatever their attempt count).
                        var settingsRefused = ex is AuthenticationFailedException or TlsCertificateException;
                        if (settingsRefused)
                        {
                            Log.SmtpSettingsRefused(_log, claimed.Count - i, OneLine(ex));
                        }
                        else
                        {
                            Log.ServerUnavailable(_log, claimed.Count - i, OneLine(ex));
                        }

                        var reason = (settingsRefused ? "SMTP login or certificate refused: " : "SMTP server unavailable: ") + OneLine(ex);
                        await RescheduleAllAsync(claimed.Skip(i), reason, round).ConfigureAwait(false);
                        break;
                    }
                }

                await SendOneAsync(client, row, round).ConfigureAwait(false);
                if (!client.IsConnected)
                {
                    await client.DisposeAsync().ConfigureAwait(false);
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
        }

        return round.ToResult();
    }

    private async Task SendOneAsync(SmtpClient client, OutboxItem row, Round round)
    {
        SmtpEnvelope envelope;
        try
        {
            envelope = new SmtpEnvelope(EnvelopeSender(row) ?? throw new ArgumentException("no envelope sender: the row has none and its mailbox no address"), row.Recipients);
            if (row.Raw.Length == 0)
            {
                throw new ArgumentException("the row holds no message bytes");
            }
        }
        catch (ArgumentException ex)
        {
            await FailAsync(row, "not sendable: " + ex.Message, round).ConfigureAwait(false);
            return;
        }

        SmtpSendResult result;
        long accepted;
        try
        {
            // Not cancellable: once MAIL is on the wire the message is finished or abandoned by the
            // server, never cut off by us; the client's Timeout bounds the wait.
            result = await client.SendAsync(envelope, new MemoryStream(row.Raw, writable: false), CancellationToken.None).ConfigureAwait(false);
            accepted = Stopwatch.GetTimestamp();
        }
        catch (MailCommandException ex) when (!ex.IsTransient)
        {
            await FailAsync(row, Describe(ex), round).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is MailProtocolException or IOException or System.Net.Sockets.SocketException or TimeoutException or ObjectDisposedException)
        {
            // 4xx, or the connection died during this message's transaction: try it again later.
            await RetryLaterAsync(row, ex is MailCommandException command ? Describe(command) : OneLine(ex), round).ConfigureAwait(false);
            return;
        }

        // The crash window: from the server's 250 to this commit. Nothing else happens in between.
        var sentAt = Time.GetUtcNow();
        var note = RejectionNote(result);
        await _runtime.Database.InTransactionAsync(
            async tx =>
            {
                await _runtime.Outbox.MarkSentAsync(tx, row.Id, sentAt, note, CancellationToken.None).ConfigureAwait(false);
                return 0;
            },
            CancellationToken.None).ConfigureAwait(false);
        var window = Stopwatch.GetElapsedTime(accepted);
        round.Sent(window);
        Log.Sent(_log, row.Id, row.TicketId, row.MessageId, row.Recipients.Count - result.Rejected.Count(), row.Attempts, result.QueueId, window.TotalMilliseconds);
        if (note is not null)
        {
            Log.SomeRecipientsRefused(_log, row.Id, row.TicketId, row.MessageId, note);
        }

        await CopyToSentFolderAsync(row, sentAt).ConfigureAwait(false);
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
        await InTransactionAsync(tx => _runtime.Outbox.RescheduleAsync(tx, row.Id, next, error, CancellationToken.None)).ConfigureAwait(false);
        round.Rescheduled++;
        Log.Rescheduled(_log, row.Id, row.TicketId, row.MessageId, row.Attempts, next, error);
    }

    private async Task RescheduleAllAsync(IEnumerable<OutboxItem> rows, string error, Round round)
    {
        var now = Time.GetUtcNow();
        foreach (var row in rows)
        {
            var next = now + RetryDelay(row.Attempts);
            await InTransactionAsync(tx => _runtime.Outbox.RescheduleAsync(tx, row.Id, next, error, CancellationToken.None)).ConfigureAwait(false);
            round.Rescheduled++;
            Log.Rescheduled(_log, row.Id, row.TicketId, row.MessageId, row.Attempts, next, error);
        }
    }

    private async Task ReleaseAsync(IEnumerable<OutboxItem> rows, Round round)
    {
        var now = Time.GetUtcNow();
        foreach (var row in rows)
        {
            await InTransactionAsync(tx => _runtime.Outbox.RescheduleAsync(tx, row.Id, now, row.LastError, CancellationToken.None)).ConfigureAwait(false);
            round.Rescheduled++;
        }
    }

    private async Task FailAsync(OutboxItem row, string error, Round round)
    {
        await InTransactionAsync(tx => _runtime.Outbox.MarkFailedAsync(tx, row.Id, error, Time.GetUtcNow(), CancellationToken.None)).ConfigureAwait(false);
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

        var mailbox = FindMailbox(row.Mailbox) ?? _runtime.Options.Mailboxes.FirstOrDefault();
        return mailbox is null ? null : !string.IsNullOrEmpty(mailbox.SmtpFrom) ? mailbox.SmtpFrom : mailbox.Address is { Length: > 0 } a ? a : null;
    }

    private MailboxOptions? FindMailbox(string? name) =>
        name is null ? null : _runtime.Options.Mailboxes.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    private Task InTransactionAsync(Func<IStorageTransaction, Task> work) =>
        _runtime.Database.InTransactionAsync(
            async tx =>
            {
                await work(tx).ConfigureAwait(false);
                return 0;
            },
            CancellationToken.None);

    private static string? RejectionNote(SmtpSendResult result)
    {
        var rejected = result.Rejected.ToList();
        return rejected.Count == 0
            ? null
            : "sent; refused recipients: " + string.Join("; ", rejected.Select(r => $"<{r.Address}>: {r.Reply}"));
    }

    private static string Describe(MailCommandException ex) => ex switch
    {
        SmtpRecipientsRejectedException all => "every recipient refused: " + all.ServerText,
        _ => OneLine(ex),
    };

    private static string OneLine(Exception ex) => ex.Message.ReplaceLineEndings(" ");

    private async Task QuitQuietlyAsync(SmtpClient client)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.QuitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MailProtocolException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            Log.QuitFailed(_log, OneLine(ex));
        }
        finally
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class Round(int claimed)
    {
        private readonly List<TimeSpan> _windows = [];

        public int Rescheduled { get; set; }

        public int Failed { get; set; }

        public void Sent(TimeSpan window) => _windows.Add(window);

        public OutboxRunResult ToResult() => new(claimed, _windows.Count, Rescheduled, Failed, _windows);
    }
}
