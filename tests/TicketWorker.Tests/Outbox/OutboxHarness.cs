using TicketWorker.Mail.Writing;
using TicketWorker.Outbox;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Outbox;

/// <summary>
/// A worker runtime in a temporary config folder (SQLite by default, or any database given as a
/// connection string) whose SMTP settings point at the shared mail stack or at a chosen port.
/// </summary>
internal sealed class OutboxHarness : IDisposable
{
    private readonly TempDirectory _dir = new();
    private string _database = "";
    private string _outbox = "";
    private string? _smtp;

    public FakeTime Time { get; private set; } = new();

    /// <summary>The worker's composition on this folder, with <see cref="Time"/> as its clock.</summary>
    public TestApp App { get; private set; } = null!;

    /// <summary>The temporary folder holding config/ and data/.</summary>
    public string Root => _dir.Path;

    /// <summary>Starts a runtime; <paramref name="outboxSettings"/> is the JSON body of TicketWorker:Outbox.</summary>
    /// <remarks><paramref name="smtp"/>, when given, is the whole JSON object of TicketWorker:Smtp (then <paramref name="smtpPort"/> is ignored).</remarks>
    public static async Task<OutboxHarness> StartAsync(int? smtpPort = null, string outboxSettings = "", string? postgres = null, FakeTime? time = null, string? smtp = null)
    {
        var h = new OutboxHarness { Time = time ?? new FakeTime(), _smtp = smtp };
        h._database = postgres is null
            ? """{ "Provider": "sqlite", "ConnectionString": "Data Source=../data/tw.db" }"""
            : $$"""{ "Provider": "postgres", "ConnectionString": "{{postgres}}" }""";
        h._outbox = outboxSettings;
        await h.ReopenAsync(smtpPort ?? OutboxMailStack.SmtpPort);
        return h;
    }

    /// <summary>Rewrites the settings with another SMTP port and opens a new composition on the same database.</summary>
    public async Task ReopenAsync(int smtpPort)
    {
        var smtp = _smtp ?? $$"""{ "Host": "{{OutboxMailStack.Host}}", "Port": {{smtpPort}}, "Security": "None" }""";
        _dir.Write("config/appsettings.json", $$"""
            {
              "TicketWorker": {
                "Database": {{_database}},
                "Storage": { "RawMailPath": "../data/raw" },
                "Mailboxes": [
                  { "Name": "support", "Address": "support@example.test", "Imap": { "Host": "127.0.0.1", "Port": 10143, "Security": "None" } },
                  { "Name": "sales", "Address": "sales@example.test", "SmtpFrom": "sales-bounces@example.test", "SentFolder": "Sent",
                    "Imap": { "Host": "127.0.0.1", "Port": 10143, "Security": "None", "Password": "secret" } }
                ],
                "Smtp": {{smtp}},
                "Outbox": { {{_outbox}} }
              }
            }
            """);
        _dir.Write("config/rules.yaml", "agents: []\n");
        App = await TestApp.OpenAsync(Path.Combine(_dir.Path, "config"), Time);
    }

    /// <summary>Writes a message to <paramref name="to"/> and queues it (due now) under a key, by default a fresh one.</summary>
    public async Task<OutboxEnqueueResult> EnqueueAsync(
        string to, string? key = null, IReadOnlyList<string>? recipients = null, string mailbox = "support", string? envelopeFrom = "support@example.test",
        string? subject = null, string? text = null)
    {
        var written = await new MailWriter(Time).WriteAsync(new OutgoingMail
        {
            From = new OutgoingAddress("Support", "support@example.test"),
            To = [OutgoingAddress.Of(to)],
            Subject = subject ?? "[#1] We received your request",
            Text = text ?? "Thank you, we answer within a day.\n",
            MessageIdDomain = "outbox-test.example.test",
            Headers = [new("Auto-Submitted", "auto-replied")],
        });
        var item = new OutboxItem
        {
            IdempotencyKey = key ?? "test:" + Guid.NewGuid().ToString("N"),
            Kind = "ack",
            Mailbox = mailbox,
            EnvelopeFrom = envelopeFrom,
            Recipients = recipients ?? [to],
            MessageId = written.MessageId,
            Raw = written.Raw,
            NextAttemptAt = Time.GetUtcNow(),
            CreatedAt = Time.GetUtcNow(),
        };
        return await App.Database.InTransactionAsync(tx => App.Outbox.EnqueueAsync(tx, item));
    }

    /// <summary>Queues bytes as they are (due now) from support@example.test to <paramref name="recipients"/>.</summary>
    public async Task<OutboxEnqueueResult> EnqueueRawAsync(byte[] raw, string messageId, IReadOnlyList<string> recipients, string? key = null)
    {
        var item = new OutboxItem
        {
            IdempotencyKey = key ?? "test:" + Guid.NewGuid().ToString("N"),
            Kind = "reply",
            Mailbox = "support",
            EnvelopeFrom = "support@example.test",
            Recipients = recipients,
            MessageId = messageId,
            Raw = raw,
            NextAttemptAt = Time.GetUtcNow(),
            CreatedAt = Time.GetUtcNow(),
        };
        return await App.Database.InTransactionAsync(tx => App.Outbox.EnqueueAsync(tx, item));
    }

    public OutboxSender Sender(string worker = "worker-1", ISentFolderAppender? sentFolder = null) =>
        App.Sender(worker, sentFolder);

    public async Task<OutboxItem> RowAsync(long id) =>
        (await App.Database.InReadAsync(tx => App.Outbox.GetAsync(tx, id)))!;

    public void Dispose()
    {
        App?.Dispose();
        _dir.Dispose();
    }
}
