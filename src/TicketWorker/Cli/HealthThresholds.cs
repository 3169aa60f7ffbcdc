namespace TicketWorker.Cli;

/// <summary>The limits <c>ticketworker health</c> checks against.</summary>
/// <param name="PollFactor">A mailbox is late when its last successful poll is older than this many poll intervals.</param>
/// <param name="OutboxAge">How long the oldest due outbox row may wait.</param>
/// <param name="QuarantinePerHour">More messages quarantined than this within the last hour is a problem.</param>
public sealed record HealthThresholds(int PollFactor, TimeSpan OutboxAge, int QuarantinePerHour)
{
    /// <summary>The defaults of the command's options: 3 poll intervals, 15 minutes, 5 messages.</summary>
    public static readonly HealthThresholds Default = new(3, TimeSpan.FromMinutes(15), 5);
}
