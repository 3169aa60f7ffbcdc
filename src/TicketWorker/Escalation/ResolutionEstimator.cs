using TicketWorker.Rules;
using TicketWorker.Storage;

namespace TicketWorker.Escalation;

/// <summary>Estimates when a new ticket will be resolved, from the business time similar tickets took (issue 7, item 3).</summary>
/// <remarks>
/// Among tickets of the same priority closed within the window, the nearest-rank percentile of their
/// business time from creation to close: the team's own tickets when they alone reach the minimum
/// sample count, else all teams'. With fewer samples, the SLA resolution target. Learned durations are
/// business hours, rounded up to a whole hour (at least one) and placed on the calendar from now; the
/// SLA target keeps its opening days (<see cref="BusinessCalendar.Add"/>) and rounds its hours up.
/// History is measured on each ticket's team calendar when the request gives them, else on the request's.
/// </remarks>
public sealed class ResolutionEstimator(TimeProvider time)
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>
    /// The estimate for a new ticket, or null when history is too thin and the priority has no SLA
    /// resolution target. Throws <see cref="ArgumentException"/> on invalid settings.
    /// </summary>
    public ResolutionEstimate? Estimate(IEnumerable<ClosedTicketSample> history, EstimateRequest request) =>
        Basis(history, request) is { } basis ? Place(basis, request) : null;

    /// <summary>
    /// How long the promise is, before it is placed on the calendar: the percentile of matching history
    /// or the SLA target; null when neither. The costly part (business time of every sample), the same
    /// for every ticket of one priority and team until the history changes: intake computes it once
    /// per batch (<see cref="Replies.EstimateCache"/>). Throws <see cref="ArgumentException"/> on invalid settings.
    /// </summary>
    public EstimateBasis? Basis(IEnumerable<ClosedTicketSample> history, EstimateRequest request)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(request);
        var settings = request.Settings ?? EstimateSettings.Default;
        var problems = settings.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid estimate settings: " + string.Join("; ", problems), nameof(request));
        }

        var now = time.GetUtcNow();
        var since = now - settings.Window;
        var matching = history
            .Where(s => string.Equals(s.Priority, request.Priority, StringComparison.OrdinalIgnoreCase)
                && s.ClosedAt >= since && s.ClosedAt <= now && s.ClosedAt >= s.CreatedAt)
            .ToList();

        var team = request.Team is null
            ? []
            : matching.Where(s => string.Equals(s.Team, request.Team, StringComparison.OrdinalIgnoreCase)).ToList();
        var chosen = team.Count >= settings.MinSamples ? team : matching;

        if (chosen.Count >= settings.MinSamples)
        {
            // History is business time in hours: days of different teams and weekdays differ in length,
            // so it is placed hour by hour; the phrase then counts the opening days it reaches.
            var calendarOf = request.CalendarOfTeam ?? (_ => request.Calendar);
            var times = chosen.Select(s => calendarOf(s.Team).BusinessTimeBetween(s.CreatedAt, s.ClosedAt));
            return new EstimateBasis(BusinessDuration.FromTime(RoundUpToHour(NearestRankPercentile(times, settings.Percentile))), EstimateSource.History, chosen.Count);
        }

        if (request.SlaResolutionTarget is { } target)
        {
            // The SLA target as the admin wrote it: "5d" is five opening days, its hours rounded up.
            return new EstimateBasis(target.Days > 0 && target.Time == TimeSpan.Zero ? target : target with { Time = RoundUpToHour(target.Time) },
                EstimateSource.Sla, chosen.Count);
        }

        return null;
    }

    /// <summary>The estimate for a ticket opened now: <paramref name="basis"/> placed on the request's calendar.</summary>
    public ResolutionEstimate Place(EstimateBasis basis, EstimateRequest request)
    {
        ArgumentNullException.ThrowIfNull(basis);
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var due = request.Calendar.Add(now, basis.Duration);
        var business = request.Calendar.BusinessTimeBetween(now, due);
        return new ResolutionEstimate(due, business, basis.Source, basis.SampleCount, Phrase(request.Calendar, now, due, request.Settings ?? EstimateSettings.Default));
    }

    /// <summary>The nearest-rank percentile: the smallest value with at least <paramref name="percentile"/>% of values at or below it.</summary>
    public static TimeSpan NearestRankPercentile(IEnumerable<TimeSpan> values, int percentile)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("no values", nameof(values));
        }

        // Rank = ceil(P/100 × N), in integers so that p80 of 10 values is exactly the 8th.
        var rank = ((percentile * sorted.Length) + 99) / 100;
        return sorted[rank - 1];
    }

    // A promise is made in whole hours, and never "now".
    private static TimeSpan RoundUpToHour(TimeSpan duration)
    {
        var hours = (duration.Ticks + Hour.Ticks - 1) / Hour.Ticks;
        return TimeSpan.FromHours(Math.Max(1, hours));
    }

    // A weekday name is only unambiguous within the coming six calendar days, and a date-time promise
    // reads best within about a working week; beyond either, state business days.
    private static EstimatePhrase Phrase(BusinessCalendar calendar, DateTimeOffset now, DateTimeOffset due, EstimateSettings settings)
    {
        var localDue = calendar.ToLocal(due);
        var today = DateOnly.FromDateTime(calendar.ToLocal(now).DateTime);
        var dueDate = DateOnly.FromDateTime(localDue.DateTime);
        var businessDays = 0;
        for (var date = today.AddDays(1); date <= dueDate; date = date.AddDays(1))
        {
            if (calendar.IsBusinessDay(date))
            {
                businessDays++;
            }
        }

        var withinWeek = dueDate.DayNumber - today.DayNumber < 7;
        var kind = withinWeek && businessDays <= settings.DateTimeWithinBusinessDays
            ? EstimatePhraseKind.DateTime
            : EstimatePhraseKind.BusinessDays;
        return new EstimatePhrase(kind, localDue, calendar.TimeZoneId, businessDays);
    }
}
