using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TicketWorker.Hosting;

namespace TicketWorker.Intake;

/// <summary>One independent intake loop per configured mailbox: a bad mailbox never stops the others.</summary>
public sealed class IntakeService(TicketWorkerRuntime runtime, WorkerIdentity worker, ILogger<MailboxIntake> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(runtime.Options.Mailboxes.Select(m => new MailboxIntake(runtime, m, worker.Id, logger).RunAsync(stoppingToken)));
}
