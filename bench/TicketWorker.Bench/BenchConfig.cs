using System.Globalization;

namespace TicketWorker.Bench;

/// <summary>A throw-away worker folder for a benchmark: config/ (appsettings, the shipped rules), templates/, data/.</summary>
internal sealed class BenchConfig : IDisposable
{
    private BenchConfig(string root) => Root = root;

    public string Root { get; }

    public string ConfigFolder => Path.Combine(Root, "config");

    /// <summary>Writes the folder. <paramref name="mailbox"/> is the JSON object of the one mailbox; <paramref name="connection"/> null means SQLite in data/.</summary>
    public static BenchConfig Create(string provider, string? connection, string mailbox, int smtpPort, int maxPerDay = 5)
    {
        var root = Path.Combine(Path.GetTempPath(), "tw-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var config = new BenchConfig(root);
        Directory.CreateDirectory(config.ConfigFolder);
        var repo = RepoRoot();
        CopyFolder(Path.Combine(repo, "templates"), Path.Combine(root, "templates"));
        var rules = File.ReadAllText(Path.Combine(repo, "config", "rules.yaml"))
            .Replace("max_per_day: 5", string.Create(CultureInfo.InvariantCulture, $"max_per_day: {maxPerDay}"), StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(config.ConfigFolder, "rules.yaml"), rules);
        var database = provider == "sqlite"
            ? """{ "Provider": "sqlite", "ConnectionString": "Data Source=../data/tw.db" }"""
            : $$"""{ "Provider": "{{provider}}", "ConnectionString": "{{connection}}" }""";
        File.WriteAllText(Path.Combine(config.ConfigFolder, "appsettings.json"), $$"""
            { "TicketWorker": {
                "Database": {{database}},
                "Storage": { "RawMailPath": "../data/raw", "MaxMessageSize": 209715200 },
                "TemplatesPath": "../templates",
                "RulesPath": "rules.yaml",
                "Mailboxes": [ {{mailbox}} ],
                "Smtp": { "Host": "127.0.0.1", "Port": {{smtpPort}}, "Security": "None" } } }
            """);
        return config;
    }

    /// <summary>The repository (for the shipped rules and templates): above the binaries, else above the current folder.</summary>
    public static string RepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "TicketWorker.sln"))) return dir.FullName;
        throw new InvalidOperationException("TicketWorker.sln not found above " + AppContext.BaseDirectory + " or the current folder");
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) CopyFolder(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Environment.GetEnvironmentVariable("TICKETWORKER_BENCH_KEEP") == "1")
        {
            Console.WriteLine($"kept {Root} (TICKETWORKER_BENCH_KEEP=1)");
            return;
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
