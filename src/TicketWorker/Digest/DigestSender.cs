using Microsoft.Extensions.Logging;
using TicketWorker.Configuration;
using TicketWorker.Mail.Writing;
using TicketWorker.Rules;
using TicketWorker.Storage;

namespace TicketWorker.Digest;

/// <summary>
/// Queues a day's digest in the outbox, one mail per recipient under <c>digest:{yyyy-MM-dd}:{recipient}</c>:
/// whoever queues it first (the job on any worker, or <c>ticketworker digest</c>) wins, and every later
/// attempt for the same day and recipient writes nothing. The outbox sender of a running worker sends it.
/// </summary>
public sealed partial class DigestSender(
    StorageDatabase database, IOutboxStore outbox, DigestReader reader, PolicyHolder policy, TicketWorkerOptions options,
    TimeProvider time, ILogger<DigestSender> logger)
{
    /// <summary>The outbox kind of a digest row.</summary>
    public const string Kind = "digest";

    /// <summary>The idempotency key of the digest of <paramref name="day"/> to <paramref name="recipient"/>.</summary>
    public static string Key(DateOnly day, string recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return $"digest:{day:yyyy-MM-dd}:{recipient.Trim().ToLowerInvariant()}";
    }

    /// <summary>The mailbox a digest is sent from (the first configured), or null when there is none.</summary>
    public MailboxOptions? SendingMailbox => options.Mailboxes.FirstOrDefault();

    /// <summary>
    /// Queues the digest of <paramref name="day"/> for each recipient; the result per recipient is the
    /// outbox row and whether this call created it (false: it was queued before).
    /// </summary>
    /// <exception cref="InvalidOperationException">No mailbox is configured to send from.</exception>
    /// <exception cref="ArgumentException">A recipient is not an address we can write.</exception>
    public async Task<IReadOnlyList<OutboxEnqueueResult>> QueueAsync(DateOnly day, IReadOnlyList<string> recipients, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        var mailbox = SendingMailbox ?? throw new InvalidOperationException("no mailbox is configured to send the digest from (appsettings.json TicketWorker:Mailboxes)");
        foreach (var r in recipients)
            if (!OutgoingAddress.IsWritable(r)) throw new ArgumentException($"'{r}' is not an email address the digest can be sent to", nameof(recipients));
        var wanted = recipients.DistinctBy(r => r.Trim().ToLowerInvariant()).Select(r => r.Trim()).ToList();

        // Already queued (another worker, an earlier run, the command): nothing to compute.
        var existing = await database.InReadAsync(async tx =>
        {
            var found = new Dictionary<string, OutboxItem>(StringComparer.OrdinalIgnoreCase);
            foreach (var r in wanted)
                if (await outbox.FindByKeyAsync(tx, Key(day, r), cancellationToken).ConfigureAwait(false) is { } item) found[r] = item;
            return found;
        }, cancellationToken).ConfigureAwait(false);
        if (existing.Count == wanted.Count) return wanted.Select(r => new OutboxEnqueueResult(existing[r], false)).ToList();

        // Read and render outside the write transaction: on SQLite it holds the database's one write lock.
        var report = await reader.ReadAsync(day, policy.Current, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var from = mailbox.SmtpFrom ?? mailbox.Address;
        var domain = from[(from.LastIndexOf('@') + 1)..];
        var chart = DigestChart.Render(report.Days);
        var contentId = $"digest-chart-{day:yyyyMMdd}@{domain}";
        var subject = DigestMail.Subject(report);
        var text = DigestMail.Text(report);
        var html = DigestMail.Html(report, contentId);
        var writer = new MailWriter(time);
        var mails = new Dictionary<string, WrittenMail>(StringComparer.OrdinalIgnoreCase);
        foreach (var r in wanted.Where(r => !existing.ContainsKey(r)))
        {
            using var png = new MemoryStream(chart, writable: false);
            mails[r] = await writer.WriteAsync(new OutgoingMail
            {
                From = new OutgoingAddress("Support digest", from),
                To = [OutgoingAddress.Of(r)],
                Subject = subject,
                Text = text,
                Html = html,
                Attachments = [new OutgoingAttachment($"digest-{day:yyyy-MM-dd}.png", "image/png", png) { ContentId = contentId, IsInline = true }],
                Date = now,
                MessageIdDomain = domain,
                Headers =
                [
                    // RFC 3834 §5: a report the system generated; vacation responders stay quiet.
                    new("Auto-Submitted", "auto-generated"),
                    new("X-Auto-Response-Suppress", "All"),
                ],
            }, cancellationToken).ConfigureAwait(false);
        }

        var results = await database.InTransactionAsync(async tx =>
        {
            var list = new List<OutboxEnqueueResult>();
            foreach (var r in wanted)
            {
                if (!mails.TryGetValue(r, out var mail))
                {
                    list.Add(new OutboxEnqueueResult(existing[r], false));
                    continue;
                }
                list.Add(await outbox.EnqueueAsync(tx, new OutboxItem
                {
                    IdempotencyKey = Key(day, r),
                    Kind = Kind,
                    Mailbox = mailbox.Name,
                    EnvelopeFrom = from,
                    Recipients = [r],
                    MessageId = mail.MessageId,
                    Raw = mail.Raw,
                    NextAttemptAt = now,
                    CreatedAt = now,
                }, cancellationToken).ConfigureAwait(false));
            }
            return list;
        }, cancellationToken).ConfigureAwait(false);
        foreach (var (r, result) in wanted.Zip(results))
            if (result.Created) Log.Queued(logger, day, r, result.Item.Id);
        return results;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Digest of {Day} queued for {Recipient} (outbox row {Row})")]
        public static partial void Queued(ILogger logger, DateOnly day, string recipient, long row);
    }
}
