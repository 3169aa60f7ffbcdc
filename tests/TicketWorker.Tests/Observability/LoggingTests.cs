using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using TicketWorker.Intake;
using TicketWorker.Observability;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Observability;

/// <summary>The worker's log: one line per message with its fields, the console format, and no secrets or bodies.</summary>
public class LoggingTests
{
    private const string ImapPassword = "imap-Pa55word-never-logged";
    private const string SmtpPassword = "smtp-Pa55word-never-logged";
    private const string BodyText = "my card number is 4111 and the printer smokes";

    [Test]
    public async Task AnIngestLogsOneInformationLinePerMessageWithItsFieldsAndNoSecretOrBody()
    {
        using var dir = new TempDirectory();
        dir.Write("config/appsettings.json", $$"""
            { "TicketWorker": {
                "Database": { "Provider": "sqlite", "ConnectionString": "Data Source=../data/tw.db" },
                "Mailboxes": [ { "Name": "support", "Address": "support@example.test",
                                 "Imap": { "Host": "127.0.0.1", "Port": 10143, "Security": "None", "Password": "{{ImapPassword}}" } } ],
                "Smtp": { "Host": "127.0.0.1", "Port": 10025, "Security": "None", "Username": "support@example.test", "Password": "{{SmtpPassword}}" } } }
            """);
        dir.Write("config/rules.yaml", "agents:\n  - email: agent1@example.test\n    name: Agent One\n");
        var logs = new FakeLogCollector();
        using var app = await TestApp.OpenAsync(Path.Combine(dir.Path, "config"), new FakeTime(),
            services => services.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Information)));
        var raw = Mails.Customer("ann@example.org", "Card payment", "log-1@example.org", body: BodyText + "\n");

        await app.Ingest.IngestAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n"))), new IngestSource("support", 42), CancellationToken.None);

        var lines = logs.GetSnapshot().Where(r => r.Category == typeof(IngestPipeline).FullName).ToList();
        Assert.That(lines, Has.Count.EqualTo(1), "one line per message");
        var line = lines[0];
        Assert.That(line.Level, Is.EqualTo(LogLevel.Information));
        Assert.That(line.Message, Does.Match(@"^mailbox support uid 42: ticket 1 created \(customer\) in [0-9.]+ ms$"));
        var fields = line.StructuredState!.ToDictionary(p => p.Key, p => p.Value);
        Assert.That(fields["Mailbox"], Is.EqualTo("support"));
        Assert.That(fields["Uid"], Is.EqualTo("42"));
        Assert.That(fields["Ticket"], Is.EqualTo("1"));
        Assert.That(fields["Action"], Is.EqualTo("created"));
        Assert.That(fields, Does.ContainKey("ElapsedMs"));
        var everything = string.Join("\n", logs.GetSnapshot().Select(r => r.Message + " " + string.Join(" ", r.StructuredState?.Select(p => p.Value) ?? [])));
        Assert.That(everything, Does.Not.Contain(ImapPassword).And.Not.Contain(SmtpPassword));
        Assert.That(everything, Does.Not.Contain("4111").And.Not.Contain("printer smokes"));
    }

    [TestCase("json", null, ConsoleFormatterNames.Json)]
    [TestCase(null, "8:12345", ConsoleFormatterNames.Systemd)]
    [TestCase("simple", "8:12345", ConsoleFormatterNames.Simple)]
    [TestCase(null, null, ConsoleFormatterNames.Simple)]
    public void TheConsoleFormatIsTheConfiguredOneElseJournaldsUnderSystemd(string? configured, string? journalStream, string expected)
    {
        var format = LogFormatting.Choose(configured, name => name == "JOURNAL_STREAM" ? journalStream : null);
        Assert.That(format is null ? ConsoleFormatterNames.Simple : FormatterName(format), Is.EqualTo(expected));
    }

    [Test]
    public void TicketWorkerLoggingFormatJsonSelectsTheJsonConsoleFormatter()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["TicketWorker:Logging:Format"] = "json" }).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddTicketWorkerConsole(configuration));
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName, Is.EqualTo(ConsoleFormatterNames.Json));
    }

    private static string FormatterName(string format)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["TicketWorker:Logging:Format"] = format }).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddTicketWorkerConsole(configuration));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName!;
    }
}
