namespace TicketWorker.Rules;

/// <summary>The <c>digest:</c> section: who gets the daily report mail and at what hour (absent: no digest).</summary>
/// <param name="To">Recipients, at least one.</param>
/// <param name="Hour">The hour of the day (0–23) the digest of the day before goes out, in the business time zone.</param>
public sealed record DigestSettings(IReadOnlyList<string> To, int Hour)
{
    /// <summary>The hour when <c>hour:</c> is left out.</summary>
    public const int DefaultHour = 7;

    /// <summary>
    /// <c>at: "HH:mm"</c> instead of <c>hour:</c>: the time of day the digest goes out (business time zone),
    /// to the minute; null when only the hour is given (then it goes out on the hour).
    /// </summary>
    public TimeOnly? At { get; init; }
}
