using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using TicketWorker.Configuration;
using TicketWorker.Hosting;
using TicketWorker.Intake;
using TicketWorker.Outbox;
using TicketWorker.Replies;
using TicketWorker.Rules;
using TicketWorker.Storage;

namespace TicketWorker.Tests;

/// <summary>
/// The worker's own composition (<see cref="TicketWorkerHost"/>) on a test's config folder, with the
/// test's clock; nothing started. The properties are shortcuts to what tests look at.
/// </summary>
public sealed class TestApp : IDisposable
{
    private readonly IHost _host;

    private TestApp(IHost host) => _host = host;

    /// <summary>Builds and opens (settings validated, rules loaded, database migrated) the host of <paramref name="configDirectory"/>.</summary>
    public static async Task<TestApp> OpenAsync(string configDirectory, TimeProvider? time = null, Action<IServiceCollection>? overrides = null)
    {
        var builder = TicketWorkerHost.CreateBuilder(configDirectory);
        if (time is not null) builder.Services.Replace(ServiceDescriptor.Singleton(time));
        overrides?.Invoke(builder.Services);
        return new TestApp(await TicketWorkerHost.OpenAsync(builder));
    }

    public IServiceProvider Services => _host.Services;
    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    public TicketWorkerOptions Options => Get<TicketWorkerOptions>();
    public LoadedSettings Settings => Get<LoadedSettings>();
    public ConfigFolder Folder => Get<ConfigFolder>();
    public PolicyHolder Policy => Get<PolicyHolder>();
    public StorageDatabase Database => Get<StorageDatabase>();
    public RawMailStore RawStore => Get<RawMailStore>();
    public ITicketStore Tickets => Get<ITicketStore>();
    public IQuarantineStore Quarantine => Get<IQuarantineStore>();
    public ISettingsStore SettingsStore => Get<ISettingsStore>();
    public IMailboxStateStore MailboxState => Get<IMailboxStateStore>();
    public IOutboxStore Outbox => Get<IOutboxStore>();
    public IngestPipeline Ingest => Get<IngestPipeline>();
    public Acknowledger Acknowledger => Get<Acknowledger>();
    public TimeProvider Time => Get<TimeProvider>();

    /// <summary>An outbox sender as worker <paramref name="worker"/>, copying to <paramref name="sentFolder"/> (none when null).</summary>
    public OutboxSender Sender(string worker = "worker-1", ISentFolderAppender? sentFolder = null) =>
        new(Database, Outbox, Tickets, Get<SmtpSessionFactory>(), Options, Time, new WorkerIdentity(worker), sentFolder, composers: Get<IEnumerable<IOutboxComposer>>());

    /// <summary>
    /// The row as the sender sends it: a row queued as a recipe (an agent's notification) with the bytes
    /// its composer writes for it (not stored); any other row as it is.
    /// </summary>
    public async Task<OutboxItem> AsSentAsync(OutboxItem row) =>
        row.Raw.Length > 0 || row.Recipe is null ? row
            : row with { Raw = (await Get<IEnumerable<IOutboxComposer>>().Single(c => c.Composes(row.Kind)).ComposeAsync(row, CancellationToken.None)).Raw };

    /// <summary>
    /// Does what the sender does before SMTP with every row queued as a recipe: composes it and stores its bytes
    /// (and the subject and text of its outbound message). A recipe that cannot be composed throws.
    /// </summary>
    public async Task ComposeQueuedAsync()
    {
        var rows = await Database.InReadAsync(async tx =>
        {
            var rows = new List<OutboxItem>();
            foreach (var listed in await Outbox.ListAsync(tx, OutboxStatus.Queued, 1000))
                if (await Outbox.GetAsync(tx, listed.Id) is { Raw.Length: 0, Recipe: not null } row) rows.Add(row);
            return rows;
        });
        foreach (var row in rows)
        {
            var mail = await Get<IEnumerable<IOutboxComposer>>().Single(c => c.Composes(row.Kind)).ComposeAsync(row, CancellationToken.None);
            await Database.InTransactionAsync(async tx =>
            {
                await mail.StoreAsync(tx, row.Id, Outbox, Tickets, CancellationToken.None);
                return 0;
            });
        }
    }

    /// <summary>The intake loop of <paramref name="mailbox"/> as worker <paramref name="worker"/>.</summary>
    /// <param name="tune">Sets the loop's timings (batch size, backoff, idle) before it runs.</param>
    public MailboxIntake Intake(MailboxOptions mailbox, string worker = "test-worker", Action<MailboxIntake>? tune = null)
    {
        var intake = Get<MailboxIntakeFactory>().Create(mailbox, worker, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        tune?.Invoke(intake);
        return intake;
    }

    public void Dispose() => _host.Dispose();
}
