using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using TicketWorker.Outbox;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Outbox;

/// <summary>The hosted outbox loop of <c>ticketworker run</c>.</summary>
[TestFixture]
public sealed class OutboxSenderServiceTests
{
    [Test, CancelAfter(60_000)]
    public async Task HostedServiceDeliversAQueuedRowAndStopsCleanly()
    {
        using var h = await OutboxHarness.StartAsync(outboxSettings: "\"PollInterval\": \"00:00:00.200\"");
        var queued = (await h.EnqueueAsync("customer14@example.test")).Item;
        using var service = new OutboxSenderService(h.App.Get<OutboxSender>(), h.App.Options, h.App.Time, NullLogger<OutboxSenderService>.Instance);

        await service.StartAsync(CancellationToken.None);
        var status = OutboxStatus.Queued;
        // ExecuteAsync runs on the thread pool: poll (bounded) instead of asserting at once.
        for (var i = 0; i < 100 && status != OutboxStatus.Sent; i++)
        {
            await Task.Delay(100);
            status = (await h.RowAsync(queued.Id)).Status;
        }

        await service.StopAsync(CancellationToken.None);

        Assert.That(status, Is.EqualTo(OutboxStatus.Sent));
        Assert.That(service.ExecuteTask, Is.Not.Null);
        Assert.That(service.ExecuteTask!.IsCompletedSuccessfully, Is.True);
        Assert.That(await OutboxMailStack.CopiesDeliveredAsync("customer14", queued.MessageId), Is.EqualTo(1));
    }

    [Test, CancelAfter(30_000)]
    public async Task TheWorkerHostCanBuildTheServiceFromItsRegistrations()
    {
        using var h = await OutboxHarness.StartAsync();
        var provider = h.App.Services;

        var hosted = provider.GetServices<IHostedService>().ToList();

        Assert.That(hosted, Has.Exactly(1).InstanceOf<OutboxSenderService>());
    }
}
