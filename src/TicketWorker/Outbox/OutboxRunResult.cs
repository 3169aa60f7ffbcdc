namespace TicketWorker.Outbox;

/// <summary>What one round of the outbox sender did.</summary>
/// <param name="Claimed">Rows this worker claimed.</param>
/// <param name="Sent">Rows the SMTP server accepted (marked sent when the round ends, or, if the database failed then, before the next claim).</param>
/// <param name="Rescheduled">Rows put back in the queue for a later attempt.</param>
/// <param name="Failed">Rows marked failed for good.</param>
/// <param name="CommitWindows">
/// Per sent row, the time from reading the server's reply to DATA to the durable "sent" record (the
/// journal line, or the database commit without a journal): a crash inside it sends that message
/// again (same bytes, same Message-ID).
/// </param>
public sealed record OutboxRunResult(int Claimed, int Sent, int Rescheduled, int Failed, IReadOnlyList<TimeSpan> CommitWindows)
{
    /// <summary>A round that found nothing due.</summary>
    public static OutboxRunResult Empty { get; } = new(0, 0, 0, 0, []);

    /// <summary>Rows not sent on purpose (a delayed acknowledgement an agent answered first).</summary>
    public int Dropped { get; init; }
}
