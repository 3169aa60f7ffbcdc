namespace TicketWorker.Bench;

/// <summary>
/// The runtime settings the service unit gives the worker (<c>Environment=DOTNET_…</c> lines of
/// install/ticketworker.service), so the benchmarks' worker processes run as the installed service does.
/// </summary>
internal static class ServiceUnit
{
    /// <summary>The unit's DOTNET_ variables; none when the unit is not found (a bench run outside a checkout).</summary>
    public static IReadOnlyList<(string Name, string Value)> RuntimeSettings()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var unit = Path.Combine(dir.FullName, "install", "ticketworker.service");
            if (!File.Exists(unit)) continue;
            return File.ReadLines(unit)
                .Where(l => l.StartsWith("Environment=DOTNET_", StringComparison.Ordinal))
                .Select(l => l["Environment=".Length..].Split('=', 2))
                .Select(p => (p[0], p[1])).ToList();
        }
        return [];
    }

    /// <summary>One line for the benchmark's output: what its worker processes run with.</summary>
    public static string Describe() =>
        "worker processes run with the service unit's runtime settings: "
        + (RuntimeSettings() is { Count: > 0 } settings ? string.Join(" ", settings.Select(s => $"{s.Name}={s.Value}")) : "none (install/ticketworker.service not found)");
}
