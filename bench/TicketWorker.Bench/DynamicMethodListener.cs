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
/// makes IL per message shows as one large count; and the compilations by tier and the longest of them.
/// <c>ingest-run --jit-stats</c>.
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

    // When each compilation in progress started, by method and thread; the time spent per method (all its compilations).
    private readonly ConcurrentDictionary<(long Method, long Thread), DateTime> _compiling = new();
    private readonly ConcurrentDictionary<string, double> _milliseconds = new(StringComparer.Ordinal);

    /// <summary>
    /// The methods whose compilation took longest (whole process; wall time on the compiling thread, so a compilation
    /// preempted by other threads counts the wait too), with the totals per tier first. A snapshot (ToArray): the JIT's
    /// events keep arriving while this reports, and sorting the live dictionary threw ArgumentException.
    /// </summary>
    public IEnumerable<string> Costliest(int top) =>
        _milliseconds.ToArray().OrderByDescending(p => p.Key.StartsWith("all ", StringComparison.Ordinal)).ThenByDescending(p => p.Value).Take(top)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Value,9:F1} ms  {p.Key}"));

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || e.Payload is null) return;
        if (e.EventName.StartsWith("MethodJittingStarted", StringComparison.Ordinal))
        {
            _compiling[(MethodId(e), e.OSThreadId)] = e.TimeStamp;
            return;
        }
        if (e.EventName.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) && _compiling.TryRemove((MethodId(e), e.OSThreadId), out var started))
        {
            var milliseconds = (e.TimeStamp - started).TotalMilliseconds;
            var tier = Tier(e);
            _milliseconds.AddOrUpdate($"{tier} {Field(e, "MethodNamespace")}::{Field(e, "MethodName")}", milliseconds, (_, total) => total + milliseconds);
            _milliseconds.AddOrUpdate("all " + tier, milliseconds, (_, total) => total + milliseconds);
        }
        if (!e.EventName.StartsWith("MethodLoadVerbose", StringComparison.Ordinal)) return;
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
        _dynamic.ToArray().OrderByDescending(p => p.Value).Take(top).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Value,7} {p.Key}"));

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

    private static long MethodId(EventWrittenEventArgs e) =>
        Convert.ToInt64(e.Payload![e.PayloadNames!.IndexOf("MethodID")], CultureInfo.InvariantCulture);

    private static string Field(EventWrittenEventArgs e, string name)
    {
        var index = e.PayloadNames?.IndexOf(name) ?? -1;
        return index >= 0 && e.Payload![index] is string s ? s : "";
    }

    // GUIDs (Dapper: "Deserialize" + Guid) and counters (lambda_method12, Regex3_Scan) would split one source into many names.
    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}|\d+")]
    private static partial Regex Digits();
}
