using TicketWorker.Rules;

namespace TicketWorker.Escalation;

/// <summary>A promised resolution time for a new ticket.</summary>
/// <param name="Due">When it is due, in the calendar's zone.</param>
/// <param name="BusinessDuration">The business time from now to <paramref name="Due"/> (whole hours when learned from history).</param>
/// <param name="Source">History or SLA.</param>
/// <param name="SampleCount">Closed tickets the percentile was taken over; with the SLA fallback, the (too few) matching tickets found.</param>
/// <param name="Phrase">How to state <paramref name="Due"/> to the customer.</param>
public sealed record ResolutionEstimate(DateTimeOffset Due, TimeSpan BusinessDuration, EstimateSource Source, int SampleCount, EstimatePhrase Phrase)
{
    /// <summary>The source as stored on the ticket: "history" or "sla".</summary>
    public string SourceName => Source == EstimateSource.History ? "history" : "sla";
}

/// <summary>The length of a promise before it is placed on the calendar (<see cref="ResolutionEstimator.Basis"/>).</summary>
/// <param name="Duration">Whole business hours from history, or the SLA target (opening days and hours).</param>
/// <param name="Source">History or SLA.</param>
/// <param name="SampleCount">Closed tickets the percentile was taken over; with the SLA fallback, the (too few) matching tickets found.</param>
public sealed record EstimateBasis(BusinessDuration Duration, EstimateSource Source, int SampleCount);
