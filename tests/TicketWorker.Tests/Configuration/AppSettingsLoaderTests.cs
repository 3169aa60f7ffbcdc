using TicketWorker.Configuration;

namespace TicketWorker.Tests.Configuration;

public class AppSettingsLoaderTests
{
    private static string RepoConfig => System.IO.Path.Combine(RepoRoot.Path, "config");

    [Test]
    public void TheShippedConfigurationBindsTheDemoMailbox()
    {
        var settings = AppSettingsLoader.Load(RepoConfig);
        Assert.That(settings.Options.Mailboxes.Single().Address, Is.EqualTo("support@example.test"));
        Assert.That(settings.Options.Threading.FallbackWindow, Is.EqualTo(TimeSpan.FromDays(7)));
        Assert.That(settings.Options.Database.Provider, Is.EqualTo("sqlite"));
    }

    [Test]
    public void EveryValidationErrorIsReportedWithItsLineAndColumn()
    {
        using var dir = new TempDirectory();
        dir.Write("appsettings.json", """
            {
              "TicketWorker": {
                "Database": { "Provider": "mysql" },
                "Mailboxes": [
                  { "Name": "support", "Address": "support@example.test",
                    "Imap": { "Host": "imap.example.test", "Port": 99999, "Security": "Tls" } }
                ],
                "Smtp": { "Host": "smtp.example.test" }
              }
            }
            """);
        var e = Assert.Throws<ConfigException>(() => AppSettingsLoader.Load(dir.Path))!;
        var lines = e.Errors.Select(x => (x.Line, x.Column, x.Message)).ToList();
        Assert.That(lines, Has.Some.Matches<(int Line, int Column, string Message)>(x => x.Line == 3 && x.Column == 19 && x.Message.Contains("mysql")));
        Assert.That(lines, Has.Some.Matches<(int Line, int Column, string Message)>(x => x.Line == 6 && x.Message.Contains("99999")));
        Assert.That(lines, Has.Some.Matches<(int Line, int Column, string Message)>(x => x.Line == 6 && x.Message.Contains("'Tls'")));
        Assert.That(e.Errors, Has.Count.EqualTo(3));
    }

    [Test]
    public void AWrongTypeNamesTheKeyAndItsPosition()
    {
        using var dir = new TempDirectory();
        dir.Write("appsettings.json", "{\n  \"TicketWorker\": {\n    \"Threading\": { \"FallbackWindow\": \"soon\" }\n  }\n}");
        var e = Assert.Throws<ConfigException>(() => AppSettingsLoader.Load(dir.Path))!;
        Assert.That(e.Errors.Single().ToString(), Does.EndWith("appsettings.json:3:20: TicketWorker:Threading:FallbackWindow: cannot use 'soon' here (expected a duration like 00:05:00 or 7.00:00:00)"));
    }

    [Test]
    public void ASyntaxErrorPointsAtTheBrokenToken()
    {
        using var dir = new TempDirectory();
        dir.Write("appsettings.json", "{\n  \"TicketWorker\": {\n    \"Threading\": { \"FallbackWindow\": }\n  }\n}");
        var e = Assert.Throws<ConfigException>(() => AppSettingsLoader.Load(dir.Path))!;
        Assert.That((e.Errors.Single().Line, e.Errors.Single().Column), Is.EqualTo((3, 38)));
        Assert.That(e.Errors.Single().Message, Does.StartWith("invalid JSON"));
    }

    [Test]
    public void EnvironmentVariablesOverrideTheFile()
    {
        using var dir = new TempDirectory();
        dir.Write("appsettings.json", "{ \"TicketWorker\": { \"Database\": { \"Provider\": \"sqlite\" } } }");
        Environment.SetEnvironmentVariable("TicketWorker__Database__ConnectionString", "Data Source=/tmp/override.db");
        try
        {
            Assert.That(AppSettingsLoader.Load(dir.Path).Options.Database.ConnectionString, Is.EqualTo("Data Source=/tmp/override.db"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("TicketWorker__Database__ConnectionString", null);
        }
    }

    [Test]
    public void APasswordFileWinsOverThePasswordAndIsRead()
    {
        using var dir = new TempDirectory();
        dir.Write("imap.secret", "from-file\n");
        dir.Write("appsettings.json", """
            { "TicketWorker": { "Mailboxes": [ { "Name": "s", "Address": "s@example.test",
              "Imap": { "Host": "h", "Port": 993, "Password": "inline", "PasswordFile": "imap.secret" } } ],
              "Smtp": { "Host": "h" } } }
            """);
        var settings = AppSettingsLoader.Load(dir.Path);
        Assert.That(settings.Password(settings.Options.Mailboxes[0].Imap), Is.EqualTo("from-file"));
    }
}
