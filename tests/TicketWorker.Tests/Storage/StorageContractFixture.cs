using TicketWorker.Storage;

namespace TicketWorker.Tests.Storage;

/// <summary>Base of the contract fixtures: one fresh, migrated database of the fixture's provider.</summary>
public abstract class StorageContractFixture
{
    private StorageTestDatabase? testDatabase;
    private StorageDatabase? database;

    protected StorageContractFixture(StorageProvider provider)
    {
        Provider = provider;
    }

    protected StorageProvider Provider { get; }

    protected StorageDatabase Database => database ?? throw new InvalidOperationException("Set-up did not run.");

    internal StorageTestDatabase TestDatabase => testDatabase ?? throw new InvalidOperationException("Set-up did not run.");

    // Whole milliseconds: every provider keeps them exactly (PostgreSQL keeps microseconds).
    protected static DateTimeOffset Now { get; } = new(2026, 3, 14, 9, 30, 15, 123, TimeSpan.Zero);

    [OneTimeSetUp]
    public async Task CreateDatabaseAsync()
    {
        testDatabase = await StorageTestDatabase.CreateAsync(Provider);
        database = await testDatabase.MigratedAsync();
    }

    [OneTimeTearDown]
    public async Task DropDatabaseAsync()
    {
        if (testDatabase is not null)
        {
            await testDatabase.DisposeAsync();
        }
    }

    /// <summary>Runs <paramref name="work"/> in a committed unit of work.</summary>
    protected Task<T> InTransactionAsync<T>(Func<IStorageTransaction, Task<T>> work) => Database.InTransactionAsync(work);

    /// <summary>Runs <paramref name="work"/> in a committed unit of work.</summary>
    protected Task InTransactionAsync(Func<IStorageTransaction, Task> work) =>
        Database.InTransactionAsync(async tx =>
        {
            await work(tx);
            return true;
        });

    protected static TicketRecord NewTicket(string customer = "Customer@Example.TEST", string subject = "Printer on fire") => new()
    {
        Subject = subject,
        NormalizedSubject = subject.ToLowerInvariant(),
        Status = TicketStatus.Open,
        Priority = "normal",
        CustomerAddress = customer,
        CustomerName = "Kim Customer",
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    protected static MessageRecord NewMessage(long ticketId, string messageId, MessageDirection direction = MessageDirection.Inbound) => new()
    {
        TicketId = ticketId,
        Direction = direction,
        Kind = direction == MessageDirection.Inbound ? "customer" : "ack",
        MessageId = messageId,
        From = "customer@example.test",
        To = ["support@example.test"],
        Subject = "Printer on fire",
        Date = Now,
        Text = "Help",
        ReceivedAt = Now,
        Status = direction == MessageDirection.Outbound ? DeliveryStatus.Queued : null,
    };
}
