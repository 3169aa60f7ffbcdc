using System.Text;
using TicketWorker.Intake;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Rules;

/// <summary>A worker on a fresh SQLite database with given rules; more runtimes can open the same files (a restart).</summary>
public sealed class RoutingHarness : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<TestApp> _apps = [];

    public FakeTime Time { get; } = new();
    /// <summary>The worker's composition on this folder, with <see cref="Time"/> as its clock.</summary>
    public TestApp App { get; private set; } = null!;
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
        h.App = await h.OpenAppAsync();
        return h;
    }

    public void WriteRules(string rules) => _dir.Write("config/rules.yaml", rules);

    /// <summary>Another composition on the same config and database, as after a restart or on a second worker (disposed with the harness).</summary>
    public async Task<TestApp> OpenAppAsync()
    {
        var app = await TestApp.OpenAsync(ConfigPath, Time);
        _apps.Add(app);
        return app;
    }

    public Task<IngestResult> IngestAsync(string raw, TestApp? app = null) =>
        (app ?? App).Ingest.IngestAsync(new MemoryStream(Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n"))), IngestSource.Pipe("support"), CancellationToken.None);

    /// <summary>Several mails as one IMAP batch: one segment, one transaction.</summary>
    public async Task<IReadOnlyList<IngestResult>> IngestBatchAsync(IEnumerable<string> raws)
    {
        await using var segment = App.RawStore.BeginSegment();
        var items = new List<IngestBatchItem>();
        foreach (var raw in raws)
        {
            var (reference, fullSize) = await segment.AppendAsync(new MemoryStream(Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n"))));
            items.Add(new IngestBatchItem(reference, new IngestSource("support", items.Count + 1), fullSize));
        }
        return await App.Ingest.IngestBatchAsync(segment, items, null, CancellationToken.None);
    }

    public async Task<TicketRecord> TicketAsync(long number) =>
        (await App.Database.InReadAsync(tx => App.Tickets.FindTicketByNumberAsync(tx, number, CancellationToken.None)))!;

    public async Task<IReadOnlyList<string>> DecisionsAsync(long number)
    {
        var ticket = await TicketAsync(number);
        var list = await App.Database.InReadAsync(tx => App.Tickets.ListRuleDecisionsAsync(tx, ticket.Id, CancellationToken.None));
        return list.Select(d => $"{d.RuleName}: {d.Action}").ToList();
    }

    public Task CloseAsync(long number) => App.Database.InTransactionAsync(async tx =>
    {
        var t = await App.Tickets.FindTicketByNumberAsync(tx, number, CancellationToken.None);
        await App.Tickets.SetStatusAsync(tx, t!.Id, TicketStatus.Closed, Time.GetUtcNow(), CancellationToken.None);
        return 0;
    });

    public void Dispose()
    {
        foreach (var app in _apps) app.Dispose();
        _dir.Dispose();
    }
}
