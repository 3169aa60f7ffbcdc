using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using TicketWorker.Digest;
using TicketWorker.Storage;
using TicketWorker.Tests.Storage;

namespace TicketWorker.Tests.Digest;

/// <summary>
/// The worker's composition on a fresh database of one provider (SQLite, or the shared PostgreSQL),
/// a config folder with agents, teams, business hours in Europe/Berlin and a digest section, a
/// <see cref="FakeTimeProvider"/> clock, and helpers to seed tickets with exact times.
/// </summary>
internal sealed class DigestHarness : IAsyncDisposable
{
    public const string Rules = """
        agents:
          - email: agent1@example.test
            name: Agent One
            teams: [support]
          - email: agent2@example.test
            name: Agent Two
            teams: [sales]
          - email: agent3@example.test
            name: Agent Three
            teams: [support]
        teams:
          support:
            assign: round_robin
          sales:
            assign: least_open
        business_hours:
          time_zone: Europe/Berlin
          week: { mon: 09:00-17:00, tue: 09:00-17:00, wed: 09:00-17:00, thu: 09:00-17:00, fri: 09:00-17:00 }
        digest:
          to: [lead@example.test, agent1@example.test]
          hour: 7

        """;

    private readonly TempDirectory _dir = new();
    private StorageTestDatabase? _database;

    /// <summary>The clock; by default 07:00 in Berlin on 2026-03-11 (the day after the tests' day).</summary>
    public FakeTimeProvider Time { get; private init; } = null!;
    public TestApp App { get; private set; } = null!;
    public string ConfigPath => Path.Combine(_dir.Path, "config");

    public static async Task<DigestHarness> StartAsync(StorageProvider provider = StorageProvider.Sqlite, string rules = Rules, bool withMailbox = true, DateTimeOffset? now = null)
    {
        var h = new DigestHarness { Time = new FakeTimeProvider(now ?? new DateTimeOffset(2026, 3, 11, 6, 0, 0, TimeSpan.Zero)) };
        try
        {
            await h.OpenAsync(provider, rules, withMailbox);
        }
        catch
        {
            await h.DisposeAsync();
            throw;
        }
        return h;
    }

    private async Task OpenAsync(StorageProvider provider, string rules, bool withMailbox)
    {
        _database = await StorageTestDatabase.CreateAsync(provider);
        var providerName = provider switch { StorageProvider.Postgres => "postgres", StorageProvider.SqlServer => "sqlserver", _ => "sqlite" };
        var mailbox = withMailbox ? IngestHarnessMailbox : "";
        _dir.Write("config/appsettings.json", $$"""
            {
              "TicketWorker": {
                "Database": { "Provider": "{{providerName}}", "ConnectionString": {{JsonSerializer.Serialize(_database.ConnectionString)}} },
                "Storage": { "RawMailPath": "../data/raw" },
                "Mailboxes": [ {{mailbox}} ],
                "Smtp": { "Host": "{{Infrastructure.MailStack.Host}}", "Port": {{Infrastructure.MailStack.SmtpPort}}, "Security": "None" }
              }
            }
            """);
        _dir.Write("config/rules.yaml", rules);
        App = await TestApp.OpenAsync(ConfigPath, Time);
    }

    private static string IngestHarnessMailbox => Intake.IngestHarness.StackMailbox("support", "INBOX");

    public DigestReader Reader => App.Get<DigestReader>();
    public DigestSender Sender => App.Get<DigestSender>();

    /// <summary>
    /// Stores a ticket with these facts (created, then updated, through the ticket store); <paramref name="due"/> is its
    /// SLA resolution due time, <paramref name="firstDue"/> its first-response due time, <paramref name="paused"/> when
    /// its SLA clock stopped (pending).
    /// </summary>
    public Task<TicketRecord> TicketAsync(string? owner, string? team, string created, string? firstResponse = null, string? closed = null, string? due = null,
        string? firstDue = null, string? paused = null) =>
        App.Database.InTransactionAsync(async tx =>
        {
            var createdAt = At(created);
            var ticket = await App.Tickets.CreateTicketAsync(tx, new TicketRecord
            {
                Subject = "Printer", NormalizedSubject = "printer", Status = TicketStatus.Open, Priority = "normal",
                Owner = owner, Team = team, CustomerAddress = "customer1@example.test", CreatedAt = createdAt, UpdatedAt = createdAt,
            });
            ticket = ticket with
            {
                FirstResponseAt = firstResponse is null ? null : At(firstResponse),
                ClosedAt = closed is null ? null : At(closed),
                Status = closed is null ? paused is null ? TicketStatus.Open : TicketStatus.Pending : TicketStatus.Closed,
                UpdatedAt = closed is null ? createdAt : At(closed),
            };
            await App.Tickets.UpdateTicketAsync(tx, ticket);
            await App.Get<ISlaStore>().SetSlaAsync(tx, ticket.Id, new TicketSla
            {
                FirstResponseDueAt = firstDue is null ? null : At(firstDue),
                ResolutionDueAt = due is null ? null : At(due),
                SlaPausedAt = paused is null ? null : At(paused),
            });
            return ticket;
        });

    /// <summary>Stores a verified agent's inbound mail on the ticket (kind <c>agent</c> for an answer, <c>note</c> for commands only).</summary>
    public Task AgentMailAsync(TicketRecord ticket, string from, string at, string kind = "agent") =>
        MessageAsync(ticket, MessageDirection.Inbound, kind, from, At(at));

    /// <summary>Stores the auto-close mail to the customer, queued at <paramref name="at"/>.</summary>
    public Task AutoCloseMailAsync(TicketRecord ticket, string at) =>
        MessageAsync(ticket, MessageDirection.Outbound, "closed", "support@example.test", At(at));

    private Task MessageAsync(TicketRecord ticket, MessageDirection direction, string kind, string from, DateTimeOffset at) =>
        App.Database.InTransactionAsync(async tx =>
        {
            await App.Tickets.AddMessageAsync(tx, new MessageRecord
            {
                TicketId = ticket.Id, Direction = direction, Kind = kind, MessageId = Guid.NewGuid().ToString("N") + "@example.test",
                From = from, Subject = "Re: Printer", Date = at, ReceivedAt = at, Text = "text",
            });
            return 0;
        });

    /// <summary>An instant written as UTC ISO 8601, e.g. <c>2026-03-10T08:00Z</c>.</summary>
    public static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        App?.Dispose();
        if (_database is not null) await _database.DisposeAsync();
        _dir.Dispose();
    }
}
