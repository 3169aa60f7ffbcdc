using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TicketWorker.Escalation;
using TicketWorker.Intake;
using TicketWorker.Storage;
using TicketWorker.Tests.Intake;
using TicketWorker.Tests.Storage;

namespace TicketWorker.Tests.Escalation;

/// <summary>
/// A worker composition on a fresh database (SQLite, or a new PostgreSQL database) with given rules and a
/// <see cref="FakeTimeProvider"/>; more compositions on the same database play further workers.
/// </summary>
internal sealed class SlaHarness : IAsyncDisposable
{
    /// <summary>The rules every SLA test starts from: Berlin office hours, one team with owner and lead, three levels.</summary>
    public const string Agents = """
        agents:
          - email: agent1@example.test
            name: Agent One
            teams: [support]
          - email: lead@example.test
            name: Team Lead
            teams: [support]
          - email: night1@example.test
            name: Night Owl
            teams: [night]
        teams:
          support:
            members: [agent1@example.test]
            assign: fixed
            owner: agent1@example.test
            lead: lead@example.test
          night:
            members: [night1@example.test]
            assign: fixed
            owner: night1@example.test
        rules:
          - name: night shift
            when: { subject: { contains: night } }
            then: { team: night, stop: true }
          - name: everything else
            then: { team: support }
        ack: { enabled: false }
        notify: { new_ticket: false, follow_up: false }

        """;

    public const string Calendar = """
        business_hours:
          time_zone: Europe/Berlin
          week: { mon: 09:00-17:00, tue: 09:00-17:00, wed: 09:00-17:00, thu: 09:00-17:00, fri: 09:00-17:00 }
          holidays: [2026-04-06, 12-25]
          teams:
            night:
              week: { mon: 22:00-24:00, tue: "00:00-06:00, 22:00-24:00", wed: "00:00-06:00, 22:00-24:00", thu: "00:00-06:00, 22:00-24:00", fri: "00:00-06:00, 22:00-24:00", sat: 00:00-06:00 }

        """;

    public const string Sla = """
        sla:
          default: standard
          policies:
            standard:
              normal: { first_response: 4h, resolution: 2d }
              high:   { first_response: 4h, resolution: 2d }
              urgent: { first_response: 1h, resolution: 1d }

        """;

    public const string Levels = """
        escalation:
          levels:
            - after: 0m
              target: first_response
              notify: [owner]
            - after: 4h
              target: resolution
              notify: [lead]
              raise_priority: true
              tag: escalated
            - after: 1d
              target: resolution
              notify: [owner, lead]
              reassign: { agent: lead@example.test }
          auto_close_pending: 7d

        """;

    private readonly TempDirectory _dir = new();
    private readonly List<TestApp> _apps = [];
    private StorageTestDatabase? _database;
    private bool _realClock;

    private SlaHarness(DateTimeOffset start) => Time = new FakeTimeProvider(start);

    public FakeTimeProvider Time { get; }
    public TestApp App { get; private set; } = null!;
    public string ConfigPath => Path.Combine(_dir.Path, "config");

    /// <summary>Monday 2 March 2026, 10:00 in Berlin (09:00 UTC).</summary>
    public static readonly DateTimeOffset Monday = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static async Task<SlaHarness> StartAsync(string? rules = null, DateTimeOffset? start = null, StorageProvider provider = StorageProvider.Sqlite,
        Action<IServiceCollection>? overrides = null, bool realClock = false, bool shippedTemplates = false)
    {
        var h = new SlaHarness(start ?? Monday) { _realClock = realClock };
        string database;
        if (provider == StorageProvider.Postgres)
        {
            h._database = await StorageTestDatabase.CreateAsync(StorageProvider.Postgres);
            database = $$"""{ "Provider": "postgres", "ConnectionString": "{{h._database.ConnectionString}}" }""";
        }
        else
        {
            database = """{ "Provider": "sqlite", "ConnectionString": "Data Source=../data/tw.db" }""";
        }

        h._dir.Write("config/appsettings.json", $$"""
            {
              "TicketWorker": {
                "Database": {{database}},
                "Storage": { "RawMailPath": "../data/raw" },
                "Mailboxes": [ { "Name": "support", "Address": "support@example.test", "Imap": { "Host": "127.0.0.1", "Port": 10143, "Security": "None" } } ],
                "Smtp": { "Host": "127.0.0.1", "Port": 10025, "Security": "None" }
              }
            }
            """);
        h._dir.Write("config/rules.yaml", rules ?? Agents + Calendar + Sla + Levels);
        if (shippedTemplates)
        {
            // The repository's templates/ beside config/, where TemplatesPath points by default.
            var source = Path.Combine(RepoRoot.Path, "templates");
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
                h._dir.Write(Path.Combine("templates", Path.GetRelativePath(source, file)), File.ReadAllText(file));
        }
        h.App = await h.OpenAppAsync(overrides);
        return h;
    }

    /// <summary>Another composition on the same config and database (a restart, or a second worker).</summary>
    public async Task<TestApp> OpenAppAsync(Action<IServiceCollection>? overrides = null)
    {
        var app = await TestApp.OpenAsync(ConfigPath, _realClock ? null : Time, overrides);
        _apps.Add(app);
        return app;
    }

    /// <summary>Ingests a customer mail; returns the ticket it created.</summary>
    public async Task<TicketRecord> NewTicketAsync(string subject, string from = "customer1@example.test")
    {
        var raw = Mails.Customer(from, subject, Guid.NewGuid().ToString("N") + "@example.test");
        var result = await App.Ingest.IngestAsync(new MemoryStream(Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n"))), IngestSource.Pipe("support"), CancellationToken.None);
        return await TicketAsync(result.Ticket!.Value);
    }

    public async Task<TicketRecord> TicketAsync(long number) =>
        (await App.Database.InReadAsync(tx => App.Tickets.FindTicketByNumberAsync(tx, number, CancellationToken.None)))!;

    public Task<TicketSla> SlaAsync(TicketRecord ticket) =>
        App.Database.InReadAsync(async tx => (await App.Get<ISlaStore>().GetSlaAsync(tx, ticket.Id, CancellationToken.None))!);

    /// <summary>Changes a ticket the way an agent command would: the row, then the SLA clock, in one transaction.</summary>
    public async Task<TicketRecord> ChangeAsync(long number, Func<TicketRecord, TicketRecord> change)
    {
        return await App.Database.InTransactionAsync(async tx =>
        {
            var before = (await App.Tickets.FindTicketByNumberAsync(tx, number, CancellationToken.None))!;
            var after = change(before) with { UpdatedAt = Time.GetUtcNow() };
            await App.Tickets.UpdateTicketAsync(tx, after, CancellationToken.None);
            await App.Get<SlaClock>().TicketChangedAsync(tx, before, after, CancellationToken.None);
            return after;
        });
    }

    /// <summary>Outbox rows of a kind with their bytes, oldest first.</summary>
    public Task<IReadOnlyList<OutboxItem>> OutboxAsync(string kind, TestApp? app = null)
    {
        var a = app ?? App;
        return a.Database.InReadAsync(async tx =>
        {
            var rows = new List<OutboxItem>();
            foreach (var listed in (await a.Outbox.ListAsync(tx, null, 1000)).Where(i => i.Kind == kind).OrderBy(i => i.Id))
                rows.Add((await a.Outbox.GetAsync(tx, listed.Id))!);
            return (IReadOnlyList<OutboxItem>)rows;
        });
    }

    public Task<EscalationScanResult> ScanAsync(TestApp? app = null) => (app ?? App).Get<EscalationScanner>().RunOnceAsync();

    /// <summary>Sets the fake clock to an instant given in Berlin local time.</summary>
    public void SetBerlin(int year, int month, int day, int hour, int minute = 0)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        Time.SetUtcNow(new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime());
    }

    public static DateTimeOffset Berlin(int year, int month, int day, int hour, int minute = 0)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps) app.Dispose();
        if (_database is not null) await _database.DisposeAsync();
        _dir.Dispose();
    }
}
