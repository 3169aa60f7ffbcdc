using Quartz;

namespace TicketWorker.Escalation;

/// <summary>
/// The escalation scan and auto-close (one pass of <see cref="EscalationScanner"/>), fired by Quartz on
/// <c>escalation.scan</c>. Quartz only triggers: the pass takes "now" from the host's TimeProvider.
/// </summary>
[DisallowConcurrentExecution]
public sealed class EscalationScanJob(EscalationScanner scanner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await scanner.RunOnceAsync(cancellationToken).ConfigureAwait(false);
}
