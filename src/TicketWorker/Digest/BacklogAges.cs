namespace TicketWorker.Digest;

/// <summary>Tickets not closed at a moment, by age then (created less than 1 day, 1–3, 3–7, more than 7 days before).</summary>
/// <param name="Overdue">Of those, the ones whose promised resolution time had passed.</param>
public sealed record BacklogAges(int UnderOneDay, int OneToThreeDays, int ThreeToSevenDays, int OverSevenDays, int Overdue)
{
    public static BacklogAges Empty { get; } = new(0, 0, 0, 0, 0);

    public int Total => UnderOneDay + OneToThreeDays + ThreeToSevenDays + OverSevenDays;

    public static BacklogAges operator +(BacklogAges a, BacklogAges b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new(a.UnderOneDay + b.UnderOneDay, a.OneToThreeDays + b.OneToThreeDays, a.ThreeToSevenDays + b.ThreeToSevenDays,
            a.OverSevenDays + b.OverSevenDays, a.Overdue + b.Overdue);
    }
}
