using Microsoft.Extensions.Hosting;
using TicketWorker.Configuration;
using TicketWorker.Hosting;

namespace TicketWorker.Intake;

/// <summary>One independent intake loop per configured mailbox: a bad mailbox never stops the others.</summary>
public sealed class IntakeService(TicketWorkerOptions options, MailboxIntakeFactory intakes, WorkerIdentity worker) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(options.Mailboxes.Select(m => intakes.Create(m, worker.Id).RunAsync(stoppingToken)));
}
