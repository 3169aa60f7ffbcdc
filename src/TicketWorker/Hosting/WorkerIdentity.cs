namespace TicketWorker.Hosting;

/// <summary>This worker process's name in leases and outbox claims: host, process id and a random suffix.</summary>
public sealed class WorkerIdentity
{
    public string Id { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";
}
