using System.Globalization;

namespace TicketWorker.Hosting;

/// <summary>This worker process's name in leases and outbox claims: <c>host:pid:random</c>.</summary>
public sealed class WorkerIdentity
{
    /// <summary>This process: <c>host:pid:random</c>.</summary>
    public WorkerIdentity() : this($"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}") { }

    /// <summary>A given name (tests that play several workers in one process).</summary>
    public WorkerIdentity(string id) => Id = id;

    public string Id { get; }

    /// <summary>
    /// True when <paramref name="owner"/> names a worker process of this host that no longer runs
    /// (its lease can be taken over at once). Owners of other hosts are never judged.
    /// </summary>
    public static bool IsDeadLocalWorker(string owner)
    {
        var parts = owner.Split(':');
        if (parts.Length != 3 || parts[0] != Environment.MachineName) return false;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) return false;
        if (pid == Environment.ProcessId) return false;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true; // no such process
        }
    }
}
