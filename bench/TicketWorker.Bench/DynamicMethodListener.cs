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
    private int _jitted;
    private int _dynamicTotal;

    public int Jitted => _jitted;

    public int DynamicTotal => _dynamicTotal;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(eventSource, EventLevel.Verbose, JitKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) || e.Payload is null) return;
        Interlocked.Increment(ref _jitted);
        var ns = Field(e, "MethodNamespace");
        var name = Field(e, "MethodName");
        if (ns != "dynamicClass") return;
        Interlocked.Increment(ref _dynamicTotal);
        _dynamic.AddOrUpdate(Digits().Replace(name, "#"), 1, (_, n) => n + 1);
    }

    /// <summary>The dynamic methods compiled so far, most frequent first.</summary>
    public IEnumerable<string> Report(int top) =>
        _dynamic.OrderByDescending(p => p.Value).Take(top).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Value,7} {p.Key}"));

    private static string Field(EventWrittenEventArgs e, string name)
    {
        var index = e.PayloadNames?.IndexOf(name) ?? -1;
        return index >= 0 && e.Payload![index] is string s ? s : "";
    }

    // GUIDs (Dapper: "Deserialize" + Guid) and counters (lambda_method12, Regex3_Scan) would split one source into many names.
    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}|\d+")]
    private static partial Regex Digits();
}
