namespace TicketWorker.Digest;

/// <summary>
/// The figures of one day's digest: day <see cref="Day"/> runs from midnight to midnight in
/// <see cref="TimeZone"/> (the business time zone). Durations are elapsed (wall-clock) time.
/// </summary>
public sealed record DigestReport
{
    /// <summary>The day reported on.</summary>
    public required DateOnly Day { get; init; }

    /// <summary>The zone whose midnights bound the days.</summary>
    public required TimeZoneInfo TimeZone { get; init; }

    /// <summary>Start of <see cref="Day"/> (UTC).</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>End of <see cref="Day"/> (UTC, exclusive): the backlog is counted as of this instant.</summary>
    public required DateTimeOffset End { get; init; }

    /// <summary>Tickets opened on the day.</summary>
    public int New { get; init; }

    /// <summary>Tickets whose first agent reply was on the day.</summary>
    public int Answered { get; init; }

    /// <summary>Tickets closed on the day (and still closed).</summary>
    public int Closed { get; init; }

    /// <summary>Created to first agent reply, of the tickets answered on the day.</summary>
    public DurationSummary FirstResponse { get; init; } = DurationSummary.Empty;

    /// <summary>Created to closed, of the tickets closed on the day.</summary>
    public DurationSummary Resolution { get; init; } = DurationSummary.Empty;

    /// <summary>Tickets whose promised resolution time fell on the day and that were not closed by then.</summary>
    public int Breached { get; init; }

    /// <summary>Open tickets at the end of the day, by age.</summary>
    public BacklogAges Backlog { get; init; } = BacklogAges.Empty;

    /// <summary>Per agent (ticket owner): configured agents in file order, then other owners, then unassigned.</summary>
    public IReadOnlyList<DigestRow> Agents { get; init; } = [];

    /// <summary>Per team: configured teams in file order, then other team names, then tickets without team.</summary>
    public IReadOnlyList<DigestRow> Teams { get; init; } = [];

    /// <summary>New and closed tickets per day of the chart, oldest first, ending with <see cref="Day"/>.</summary>
    public IReadOnlyList<DigestDay> Days { get; init; } = [];
}
