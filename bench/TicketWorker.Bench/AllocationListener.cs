using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace TicketWorker.Bench;

/// <summary>
/// What the run allocates, by type, from the runtime's own sampling (Microsoft-Windows-DotNETRuntime,
/// GC keyword, GCAllocationTick: one event per ~100 KB allocated, with the type that crossed the
/// mark), split into the small- and the large-object heap: the large-object heap's budget is what
/// triggers the gen2 collections of intake. Approximate by design. <c>ingest-run --alloc-stats</c>.
/// </summary>
internal sealed class AllocationListener : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _large = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _small = new(StringComparer.Ordinal);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null || e.PayloadNames is null) return;
        var large = Convert.ToInt32(e.Payload[e.PayloadNames.IndexOf("AllocationKind")], CultureInfo.InvariantCulture) == 1;
        var type = e.Payload[e.PayloadNames.IndexOf("TypeName")] as string ?? "?";
        var amount = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")], CultureInfo.InvariantCulture);
        (large ? _large : _small).AddOrUpdate(type, amount, (_, total) => total + amount);
    }

    /// <summary>The types that allocated most, on each heap, in MB.</summary>
    public IEnumerable<string> Report(int top) =>
        _large.OrderByDescending(p => p.Value).Take(top).Select(p => Line("large", p))
            .Concat(_small.OrderByDescending(p => p.Value).Take(top).Select(p => Line("small", p)));

    private static string Line(string heap, KeyValuePair<string, long> p) =>
        string.Create(CultureInfo.InvariantCulture, $"{heap,-5} {p.Value / 1048576.0,8:F1} MB  {p.Key}");
}
