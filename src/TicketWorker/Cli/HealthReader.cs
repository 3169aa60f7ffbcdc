using System.Globalization;
using TicketWorker.Configuration;
using TicketWorker.Storage;

namespace TicketWorker.Cli;

/// <summary>
/// What <c>health</c> decides, read in one snapshot: every configured mailbox polled recently, the
/// outbox not stuck, the quarantine not filling up. Returns one line per problem (none: healthy).
/// </summary>
public sealed class HealthReader(
    StorageDatabase database, IMailboxStateStore mailboxState, IOutboxStore outbox, IQuarantineStore quarantine, TicketWorkerOptions options, TimeProvider time)
{
    // An IDLE round lasts up to two thirds of the intake lease (a minute) before the checkpoint is
    // written again, so a mailbox with a shorter poll interval is not late before a minute has passed.
    private static readonly TimeSpan IdleRound = TimeSpan.FromMinutes(1);

    // The outbox is read oldest first; a queue longer than this is a problem by itself long before
    // the rows beyond it matter.
    private const int OutboxWindow = 1000;

    public Task<IReadOnlyList<string>> ReadAsync(HealthThresholds thresholds, CancellationToken cancellationToken) => database.InReadAsync<IReadOnlyList<string>>(async tx =>
    {
        var now = time.GetUtcNow();
        var problems = new List<string>();

        var checkpoints = await mailboxState.ListCheckpointsAsync(tx, cancellationToken).ConfigureAwait(false);
        foreach (var m in options.Mailboxes)
        {
            var c = checkpoints.FirstOrDefault(x => x.Mailbox == m.Name && x.Folder == m.Folder);
            var limit = (m.PollInterval > IdleRound ? m.PollInterval : IdleRound) * thresholds.PollFactor;
            var error = c?.LastError is { Length: > 0 } e ? $"; last error: {e}" : "";
            if (c?.LastPollAt is not { } last)
                problems.Add($"mailbox {m.Name} ({m.Folder}): never polled successfully{error}");
            else if (now - last > limit)
                problems.Add($"mailbox {m.Name} ({m.Folder}): last successful poll {Ago(now - last)} ago at {Utc(last)} (limit {Ago(limit)}){error}");
        }

        // Due: queued and past its time, or claimed by a sender whose claim ran out. A row never tried
        // waits since it became due; a retried row since it was queued, since its next attempt moves on
        // with every retry and would hide a message that has failed for hours.
        var rows = (await outbox.ListAsync(tx, OutboxStatus.Queued, OutboxWindow, cancellationToken).ConfigureAwait(false))
            .Concat(await outbox.ListAsync(tx, OutboxStatus.Sending, OutboxWindow, cancellationToken).ConfigureAwait(false));
        var oldest = rows
            .Where(r => r.Status == OutboxStatus.Queued ? r.NextAttemptAt <= now : r.ClaimedUntil is { } until && until <= now)
            .Select(r => (Row: r, Waiting: now - (r.Attempts > 0 ? r.CreatedAt : r.NextAttemptAt)))
            .OrderByDescending(x => x.Waiting)
            .FirstOrDefault();
        if (oldest.Row is not null && oldest.Waiting > thresholds.OutboxAge)
            problems.Add($"outbox: message {oldest.Row.Id} ({oldest.Row.Kind}) waiting {Ago(oldest.Waiting)} to be sent (limit {Ago(thresholds.OutboxAge)}, {oldest.Row.Attempts} attempt(s)){(oldest.Row.LastError is { Length: > 0 } le ? "; last error: " + le : "")}");

        var quarantined = await quarantine.CountQuarantinedAfterAsync(tx, now - TimeSpan.FromHours(1), cancellationToken).ConfigureAwait(false);
        if (quarantined > thresholds.QuarantinePerHour)
            problems.Add($"quarantine: {quarantined} message(s) quarantined in the last hour (limit {thresholds.QuarantinePerHour}); see `ticketworker quarantine list`");
        return problems;
    }, cancellationToken);

    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Ago(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes:00}m"
        : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m{span.Seconds:00}s"
        : $"{(int)span.TotalSeconds}s";
}
