namespace TicketWorker.Outbox;

/// <summary>The <c>TicketWorker:Outbox</c> section: how the sender loop claims, sends and retries queued mail.</summary>
public sealed class OutboxOptions
{
    /// <summary>Pause between polls when the queue had nothing due. Default 1 second.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Rows claimed per round and sent over one SMTP connection. Default 20.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>
    /// Attempts after which a message that keeps failing transiently (4xx, connection lost during its
    /// transaction) is marked failed. Default 10 (about 4.5 hours with the default delays). An
    /// unreachable SMTP server never uses these up: the rows wait for it.
    /// </summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Delay before the second attempt; it doubles per attempt (with jitter) up to <see cref="MaxRetryDelay"/>. Default 30 seconds.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest delay between two attempts. Default 1 hour.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a claim holds; a worker that dies mid-batch releases its rows after this. Default 5 minutes.</summary>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The folder of the per-worker sent journals (the server's acceptance is recorded there in
    /// microseconds and reconciled into the database per round). Relative paths start at the parent of
    /// Storage:RawMailPath. Default <c>outbox-journal</c> beside the raw-mail folder (<c>data/outbox-journal</c>).
    /// </summary>
    public string? JournalPath { get; set; }

    /// <summary>The longest the SMTP client waits for one read or write before it gives the connection up. Default 1 minute.</summary>
    public TimeSpan SmtpTimeout { get; set; } = TimeSpan.FromMinutes(1);
}
