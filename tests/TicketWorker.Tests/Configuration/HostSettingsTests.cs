using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TicketWorker.Cli;
using TicketWorker.Configuration;
using TicketWorker.Hosting;

namespace TicketWorker.Tests.Configuration;

/// <summary>The settings as the host reads them: the same file:line:col errors as <c>check</c>, at the CLI edge and at start.</summary>
public class HostSettingsTests
{
    private const string TwoMistakes = """
        {
          "TicketWorker": {
            "Database": { "Provider": "mysql" },
            "Outbox": { "BatchSize": 0 }
          }
        }
        """;

    [Test]
    public async Task ACommandListsEveryBadSettingWithItsPositionAndExitsWithOne()
    {
        using var dir = new TempDirectory();
        dir.Write("appsettings.json", TwoMistakes);
        var output = new StringWriter();
        var errors = new StringWriter();

        var code = await CliApp.RunAsync(["status", "--config", dir.Path], output, errors);

        var lines = errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(code, Is.EqualTo(CliApp.UserError));
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines, Has.Some.EndsWith("appsettings.json:3:19: unknown database provider 'mysql' (use sqlite, postgres or sqlserver)"));
        Assert.That(lines, Has.Some.EndsWith("appsettings.json:4:17: BatchSize must be at least 1"));
        Assert.That(errors.ToString(), Does.Not.Contain("   at "), "no stack trace");
        Assert.That(output.ToString(), Is.Empty);
    }

    [Test]
    public void StartingTheHostValidatesTheSettingsAndThrowsOurExceptionWithEveryError()
    {
        using var dir = new TempDirectory();
        dir.Write("appsettings.json", TwoMistakes);
        using var host = TicketWorkerHost.CreateBuilder(dir.Path).Build();

        // ValidateOnStart: the host runs the validator before any hosted service starts.
        var e = Assert.ThrowsAsync<ConfigException>(() => host.StartAsync())!;

        Assert.That(e.Errors, Has.Count.EqualTo(2));
        Assert.That(e.Errors.Select(x => x.Line), Is.EquivalentTo(new[] { 3, 4 }));
    }

    [Test, NonParallelizable]
    public void TheEnvironmentOverridesTheFileThroughTheHostsConfiguration()
    {
        using var dir = new TempDirectory();
        dir.Write("appsettings.json", """{ "TicketWorker": { "DefaultLanguage": "de" } }""");
        Environment.SetEnvironmentVariable("TicketWorker__TemplatesPath", "/tmp/host-settings-test-templates");
        try
        {
            using var host = TicketWorkerHost.CreateBuilder(dir.Path).Build();
            var options = host.Services.GetRequiredService<IOptions<TicketWorkerOptions>>().Value;

            Assert.That(options.TemplatesPath, Is.EqualTo("/tmp/host-settings-test-templates"));
            Assert.That(options.DefaultLanguage, Is.EqualTo("de"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("TicketWorker__TemplatesPath", null);
        }
    }

    [Test]
    public void AMissingConfigFolderIsOneLineNamingTheOptionToUse()
    {
        var e = Assert.Throws<ConfigException>(() => TicketWorkerHost.CreateBuilder("/nonexistent/tw-config"))!;

        Assert.That(e.Errors.Single().ToString(), Is.EqualTo("/nonexistent/tw-config: config folder not found (use --config DIR or TICKETWORKER_CONFIG)"));
    }
}
