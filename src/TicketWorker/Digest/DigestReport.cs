namespace TicketWorker.Digest;

/// <summary>
/// The figures of one day's digest: day <see cref="Day"/> runs from midnight to midnight in
/// <see cref="TimeZone"/> (the business time zone). Durations are business time on each ticket's team
/// calendar (<see cref="BusinessTime"/>), see <see cref="DigestReader"/> for breaches and attribution.
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

    /// <summary>
    /// True when durations are business time (rules.yaml has <c>business_hours</c>: each ticket's team calendar);
    /// false: every hour counts (no calendar configured), so they equal elapsed time.
    /// </summary>
    public bool BusinessTime { get; init; }

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

    /// <summary>Tickets with an SLA due time (first response or resolution) on the day that was not met by then.</summary>
    public int Breached { get; init; }

    /// <summary>Tickets whose first response was due on the day and not given by then.</summary>
    public int FirstResponseBreached { get; init; }

    /// <summary>Tickets whose resolution was due on the day and that were not closed by then.</summary>
    public int ResolutionBreached { get; init; }

    /// <summary>Open tickets at the end of the day, by age.</summary>
    public BacklogAges Backlog { get; init; } = BacklogAges.Empty;

    /// <summary>
    /// Per agent: new, breaches and backlog by the ticket's owner, answers by the agent who gave the first response,
    /// closes by the agent who closed; configured agents in file order, then other names, then "(auto-close)" and
    /// "(not recorded)", then unassigned.
    /// </summary>
    public IReadOnlyList<DigestRow> Agents { get; init; } = [];

    /// <summary>Per team: configured teams in file order, then other team names, then tickets without team.</summary>
    public IReadOnlyList<DigestRow> Teams { get; init; } = [];

    /// <summary>New and closed tickets per day of the chart, oldest first, ending with <see cref="Day"/>.</summary>
    public IReadOnlyList<DigestDay> Days { get; init; } = [];
}
