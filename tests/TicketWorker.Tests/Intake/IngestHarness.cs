using MailStack = TicketWorker.Tests.Infrastructure.MailStack;
using System.Text;
using TicketWorker.Intake;
using TicketWorker.Storage;
using TicketWorker.Threading;

namespace TicketWorker.Tests.Intake;

/// <summary>A worker on a fresh database (SQLite unless asked) in a temporary config folder, driven through the ingest pipeline.</summary>
public sealed class IngestHarness : IDisposable
{
    private readonly TempDirectory _dir = new();
    private Storage.StorageTestDatabase? _database;

    public FakeTime Time { get; } = new();
    /// <summary>The worker's composition on this folder, with <see cref="Time"/> as its clock.</summary>
    public TestApp App { get; private set; } = null!;

    /// <summary>Mailbox settings for the local mail stack (user support@example.test, a given folder).</summary>
    /// <param name="port">The IMAP port (a profile's, see <see cref="Infrastructure.ImapProfile"/>); the default Dovecot's when null.</param>
    public static string StackMailbox(string name, string folder, string user = "support", string extra = "", int? port = null) => $$"""
        { "Name": "{{name}}", "Address": "{{user}}@example.test", "Folder": "{{folder}}", "PollInterval": "00:00:01", {{extra}}
          "Imap": { "Host": "{{Infrastructure.MailStack.Host}}", "Port": {{port ?? Infrastructure.MailStack.ImapPort}}, "Security": "StartTls",
                    "Username": "{{user}}@example.test", "Password": "secret", "TrustedCertificate": "{{Infrastructure.MailStack.CertificatePath}}" } }
        """;

    /// <param name="provider">The database: a SQLite file in the folder, or a new PostgreSQL or SQL Server database (dropped afterwards; SQL Server ignored without its variable).</param>
    public static async Task<IngestHarness> StartAsync(string? extraSettings = null, string? mailboxes = null, string? rules = null, DateTimeOffset? now = null,
        StorageProvider provider = StorageProvider.Sqlite)
    {
        var h = new IngestHarness();
        var database = """{ "Provider": "sqlite", "ConnectionString": "Data Source=../data/tw.db" }""";
        if (provider != StorageProvider.Sqlite)
        {
            h._database = await Storage.StorageTestDatabase.CreateAsync(provider);
            database = $$"""{ "Provider": "{{provider.ToString().ToLowerInvariant()}}", "ConnectionString": "{{h._database.ConnectionString}}" }""";
        }
        h._dir.Write("config/appsettings.json", $$"""
            {
              "TicketWorker": {
                "Database": {{database}},
                "Storage": { "RawMailPath": "../data/raw", "MaxMessageSize": 200000 },
                "Mailboxes": [
                  {{mailboxes ?? """
                  { "Name": "support", "Address": "support@example.test", "Imap": { "Host": "127.0.0.1", "Port": 10143, "Security": "None" } },
                  { "Name": "sales", "Address": "sales@example.test", "Imap": { "Host": "127.0.0.1", "Port": 10143, "Security": "None" } }
                  """}}
                ],
                "Smtp": { "Host": "127.0.0.1", "Port": 10025, "Security": "None" }
                {{extraSettings}}
              }
            }
            """);
        h._dir.Write("config/rules.yaml", """
            agents:
              - email: agent1@example.test
                name: Agent One
              - email: agent2@example.test
                name: Agent Two

            """ + (rules ?? ""));
        if (now is { } start) h.Time.Set(start);
        h.App = await TestApp.OpenAsync(Path.Combine(h._dir.Path, "config"), h.Time);
        return h;
    }

    public string DataPath => Path.Combine(_dir.Path, "data");

    public Task<IngestResult> IngestAsync(string raw, string mailbox = "support") =>
        IngestAsync(Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n")), mailbox);

    public Task<IngestResult> IngestAsync(byte[] raw, string mailbox = "support") =>
        App.Ingest.IngestAsync(new MemoryStream(raw), IngestSource.Pipe(mailbox), CancellationToken.None);

    public Task<TicketDetails?> TicketAsync(long number) =>
        App.Database.InReadAsync(tx => App.Tickets.GetTicketWithMessagesAsync(tx, number, CancellationToken.None));

    public Task<IReadOnlyList<TicketSummary>> TicketsAsync() =>
        App.Database.InReadAsync(tx => App.Tickets.ListTicketsAsync(tx, null, CancellationToken.None));

    /// <summary>Inbound messages per ticket, by ticket number (acknowledgements and other outbound mail left out).</summary>
    public async Task<IReadOnlyDictionary<long, int>> InboundCountsAsync()
    {
        var result = new Dictionary<long, int>();
        foreach (var t in await TicketsAsync())
            result[t.Ticket.Number] = (await TicketAsync(t.Ticket.Number))!.Messages.Count(m => m.Direction == MessageDirection.Inbound);
        return result;
    }

    public async Task<ReplyToken> ReplyTokensAsync() =>
        new(await App.Database.InReadAsync(tx => App.SettingsStore.GetReplyTokenKeyAsync(tx, CancellationToken.None)));

    public Task CloseAsync(long number) => App.Database.InTransactionAsync(async tx =>
    {
        var t = await App.Tickets.FindTicketByNumberAsync(tx, number, CancellationToken.None);
        await App.Tickets.SetStatusAsync(tx, t!.Id, TicketStatus.Closed, Time.GetUtcNow(), CancellationToken.None);
        return 0;
    });

    public void Dispose()
    {
        App?.Dispose();
        _database?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _dir.Dispose();
    }
}
