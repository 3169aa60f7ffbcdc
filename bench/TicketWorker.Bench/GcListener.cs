using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace TicketWorker.Bench;

/// <summary>
/// Why the run collected and what each kind of collection cost: the runtime's own GC events
/// (Microsoft-Windows-DotNETRuntime, GC keyword: GCStart with its generation and reason, and the
/// suspension from GCSuspendEEBegin to GCRestartEEEnd, during which no managed thread runs).
/// <c>ingest-run --gc-stats</c>.
/// </summary>
internal sealed class GcListener : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<(int Generation, string Reason), (int Count, double Ms)> _collections = new();
    private (int Generation, string Reason)? _current;
    private DateTime _suspended;

    private static readonly string[] Reasons =
    [
        "small-object budget", "induced", "low memory", "empty", "large-object budget", "out of space (small)",
        "out of space (large)", "induced, not forced", "internal", "induced low memory", "induced compacting",
        "low memory (host)", "provisional mode full GC", "low memory (host, blocking)",
    ];

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(eventSource, EventLevel.Informational, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || e.Payload is null || e.PayloadNames is null) return;
        if (e.EventName.StartsWith("GCSuspendEEBegin", StringComparison.Ordinal))
            _suspended = e.TimeStamp;
        else if (e.EventName.StartsWith("GCStart", StringComparison.Ordinal))
        {
            var depth = Convert.ToInt32(e.Payload[e.PayloadNames.IndexOf("Depth")], CultureInfo.InvariantCulture);
            var reason = Convert.ToInt32(e.Payload[e.PayloadNames.IndexOf("Reason")], CultureInfo.InvariantCulture);
            _current = (depth, reason >= 0 && reason < Reasons.Length ? Reasons[reason] : "reason " + reason);
        }
        else if (e.EventName.StartsWith("GCRestartEEEnd", StringComparison.Ordinal) && _current is { } current && _suspended != default)
        {
            var ms = (e.TimeStamp - _suspended).TotalMilliseconds;
            _collections.AddOrUpdate(current, (1, ms), (_, total) => (total.Count + 1, total.Ms + ms));
            _current = null;
            _suspended = default;
        }
    }

    /// <summary>Collections by generation and reason: how many, and the time managed threads were stopped for them.</summary>
    public IEnumerable<string> Report() =>
        _collections.OrderBy(p => p.Key.Generation).ThenByDescending(p => p.Value.Ms).Select(p => string.Create(CultureInfo.InvariantCulture,
            $"gen{p.Key.Generation}  {p.Value.Count,4} × {p.Value.Ms / p.Value.Count,6:F1} ms = {p.Value.Ms / 1000,6:F2} s  {p.Key.Reason}"));
}
