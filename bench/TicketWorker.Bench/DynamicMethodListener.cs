using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TicketWorker.Bench;

/// <summary>
/// Counts the methods the JIT compiles while a benchmark runs, from the runtime's own events
/// (Microsoft-Windows-DotNETRuntime, JIT keyword, MethodLoadVerbose): dynamic methods
/// (<c>DynamicMethod</c>, compiled regexes, <c>Expression.Compile</c>, reflection invoke stubs,
/// Dapper's readers and parameter writers) by name with the digits and GUIDs taken out, so whoever
/// makes IL per message shows as one large count. <c>ingest-run --jit-stats</c>.
/// </summary>
internal sealed partial class DynamicMethodListener : EventListener
{
    private const EventKeywords JitKeyword = (EventKeywords)0x10;
    private readonly ConcurrentDictionary<string, int> _dynamic = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _tiers = new(StringComparer.Ordinal);
    private int _jitted;
    private int _dynamicTotal;

    public int Jitted => _jitted;

    public int DynamicTotal => _dynamicTotal;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(eventSource, EventLevel.Verbose, JitKeyword);
    }

    private readonly ConcurrentDictionary<long, DateTime> _started = new();
    private readonly ConcurrentDictionary<string, double> _cost = new(StringComparer.Ordinal);

    public IEnumerable<string> Costliest(int top) =>
        _cost.OrderByDescending(p => p.Value).Take(top).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Value,8:F1} ms {p.Key}"));

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is not null && e.EventName.StartsWith("MethodJittingStarted", StringComparison.Ordinal) && e.Payload is not null)
        {
            var idx = e.PayloadNames!.IndexOf("MethodID");
            _started[Convert.ToInt64(e.Payload[idx], CultureInfo.InvariantCulture) ^ ((long)e.OSThreadId << 48)] = e.TimeStamp;
            return;
        }
        if (e.EventName is not null && e.EventName.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) && e.Payload is not null)
        {
            var idx = e.PayloadNames!.IndexOf("MethodID");
            if (_started.TryRemove(Convert.ToInt64(e.Payload[idx], CultureInfo.InvariantCulture) ^ ((long)e.OSThreadId << 48), out var t0))
            {
                var key = Tier(e) + " " + Field(e, "MethodNamespace") + "::" + Field(e, "MethodName");
                _cost.AddOrUpdate(key, (e.TimeStamp - t0).TotalMilliseconds, (_, v) => v + (e.TimeStamp - t0).TotalMilliseconds);
                _cost.AddOrUpdate("TOTAL " + Tier(e), (e.TimeStamp - t0).TotalMilliseconds, (_, v) => v + (e.TimeStamp - t0).TotalMilliseconds);
            }
        }
        if (e.EventName is null || !e.EventName.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) || e.Payload is null) return;
        Interlocked.Increment(ref _jitted);
        _tiers.AddOrUpdate(Tier(e), 1, (_, n) => n + 1);
        var ns = Field(e, "MethodNamespace");
        var name = Field(e, "MethodName");
        if (ns != "dynamicClass") return;
        Interlocked.Increment(ref _dynamicTotal);
        _dynamic.AddOrUpdate(Digits().Replace(name, "#"), 1, (_, n) => n + 1);
    }

    /// <summary>The dynamic methods compiled so far, most frequent first.</summary>
    public IEnumerable<string> Report(int top) =>
        _dynamic.OrderByDescending(p => p.Value).Take(top).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Value,7} {p.Key}"));

    private Dictionary<string, int> _tiersAtMark = [];

    /// <summary>From now on <see cref="Tiers"/> counts compilations (the intake's, not the start's).</summary>
    public void MarkTiers() => _tiersAtMark = new Dictionary<string, int>(_tiers, StringComparer.Ordinal);

    /// <summary>Compilations by optimization tier since <see cref="MarkTiers"/>, as "tier count" pairs (most first).</summary>
    public string Tiers() =>
        string.Join(", ", _tiers.Select(p => (p.Key, Count: p.Value - _tiersAtMark.GetValueOrDefault(p.Key))).Where(p => p.Count > 0)
            .OrderByDescending(p => p.Count).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Count}")));

    // The runtime's MethodFlags carry the optimization tier in bits 7-10 (the runtime's OptimizationTier, .NET 7 and later).
    private static string Tier(EventWrittenEventArgs e)
    {
        var index = e.PayloadNames?.IndexOf("MethodFlags") ?? -1;
        var flags = index >= 0 ? Convert.ToInt64(e.Payload![index], CultureInfo.InvariantCulture) : 0;
        return ((flags >> 7) & 0xF) switch
        {
            1 => "min-opts",
            2 => "optimized",
            3 => "tier0",
            4 => "tier1",
            5 => "tier1-osr",
            6 => "tier0-instrumented",
            7 => "tier1-instrumented",
            var other => "tier?" + other.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static string Field(EventWrittenEventArgs e, string name)
    {
        var index = e.PayloadNames?.IndexOf(name) ?? -1;
        return index >= 0 && e.Payload![index] is string s ? s : "";
    }

    // GUIDs (Dapper: "Deserialize" + Guid) and counters (lambda_method12, Regex3_Scan) would split one source into many names.
    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}|\d+")]
    private static partial Regex Digits();
}
