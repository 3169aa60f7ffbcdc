using System.Text;
using TicketWorker.Hosting;
using TicketWorker.Intake;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Rules;

/// <summary>A worker on a fresh SQLite database with given rules; more runtimes can open the same files (a restart).</summary>
public sealed class RoutingHarness : IDisposable
{
    private readonly TempDirectory _dir = new();

    public FakeTime Time { get; } = new();
    public TicketWorkerRuntime Runtime { get; private set; } = null!;
    public string ConfigPath => System.IO.Path.Combine(_dir.Path, "config");
    public string RulesPath => System.IO.Path.Combine(ConfigPath, "rules.yaml");

    public static async Task<RoutingHarness> StartAsync(string rules)
    {
        var h = new RoutingHarness();
        h._dir.Write("config/appsettings.json", """
            {
              "TicketWorker": {
                "Database": { "Provider": "sqlite", "ConnectionString": "Data Source=../data/tw.db" },
                "Storage": { "RawMailPath": "../data/raw" },
                "Mailboxes": [ { "Name": "support", "Address": "support@example.test", "Imap": { "Host": "127.0.0.1", "Port": 10143, "Security": "None" } } ],
                "Smtp": { "Host": "127.0.0.1", "Port": 10025, "Security": "None" }
              }
            }
            """);
        h.WriteRules(rules);
        h.Runtime = await h.OpenRuntimeAsync();
        return h;
    }

    public void WriteRules(string rules) => _dir.Write("config/rules.yaml", rules);

    /// <summary>Another runtime on the same config and database, as after a restart or on a second worker.</summary>
    public Task<TicketWorkerRuntime> OpenRuntimeAsync() => TicketWorkerRuntime.OpenAsync(ConfigPath, Time);

    public Task<IngestResult> IngestAsync(string raw, TicketWorkerRuntime? runtime = null) =>
        (runtime ?? Runtime).Ingest.IngestAsync(new MemoryStream(Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n"))), IngestSource.Pipe("support"), CancellationToken.None);

    public async Task<TicketRecord> TicketAsync(long number) =>
        (await Runtime.Database.InReadAsync(tx => Runtime.Tickets.FindTicketByNumberAsync(tx, number, CancellationToken.None)))!;

    public async Task<IReadOnlyList<string>> DecisionsAsync(long number)
    {
        var ticket = await TicketAsync(number);
        var list = await Runtime.Database.InReadAsync(tx => Runtime.Tickets.ListRuleDecisionsAsync(tx, ticket.Id, CancellationToken.None));
        return list.Select(d => $"{d.RuleName}: {d.Action}").ToList();
    }

    public Task CloseAsync(long number) => Runtime.Database.InTransactionAsync(async tx =>
    {
        var t = await Runtime.Tickets.FindTicketByNumberAsync(tx, number, CancellationToken.None);
        await Runtime.Tickets.SetStatusAsync(tx, t!.Id, TicketStatus.Closed, Time.GetUtcNow(), CancellationToken.None);
        return 0;
    });

    public void Dispose() => _dir.Dispose();
}
