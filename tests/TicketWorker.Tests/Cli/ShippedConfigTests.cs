using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using TicketWorker.Cli;
using TicketWorker.Tests.Infrastructure;

namespace TicketWorker.Tests.Cli;

/// <summary>
/// The shipped config/ works for every command on a machine where the demo's mail stack never ran:
/// it names no file outside the checkout, and the certificate it trusts is the one run.sh gives that stack.
/// </summary>
public class ShippedConfigTests
{
    private static string Shipped(string name) => Path.Combine(RepoRoot.Path, "config", name);

    /// <summary>config/ and templates/ side by side in a fresh folder, as in a clean clone.</summary>
    private static TempDirectory CleanCopy()
    {
        var temp = new TempDirectory();
        foreach (var folder in new[] { "config", "templates" })
        {
            var source = Path.Combine(RepoRoot.Path, folder);
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
                temp.Write(Path.Combine(folder, Path.GetRelativePath(source, file)), File.ReadAllText(file));
        }
        return temp;
    }

    [Test]
    public async Task TicketsListOnACleanCopyOfTheShippedConfigSucceedsWithoutAMailStack()
    {
        using var temp = CleanCopy();
        var output = new StringWriter();
        var errors = new StringWriter();

        var code = await CliApp.RunAsync(["tickets", "list", "--config", Path.Combine(temp.Path, "config")], output, errors);

        Assert.That(code, Is.EqualTo(CliApp.Ok), errors.ToString());
        Assert.That(errors.ToString(), Is.Empty);
    }

    /// <summary>
    /// Every command on the shipped configuration in a clean copy, no mail stack needed: the ones that
    /// read or write the database, a demo mail ingested and shown, the rules tried on it. `run` is the
    /// demo's (DemoScriptTests); `health` exits 1 here because the mailbox never polled, with that reason.
    /// </summary>
    [TestCase("check")]
    [TestCase("migrate")]
    [TestCase("status")]
    [TestCase("status", "--json")]
    [TestCase("tickets", "list", "--json")]
    [TestCase("quarantine", "list")]
    [TestCase("quarantine", "retry")]
    [TestCase("reprocess", "--dry-run")]
    [TestCase("rules", "test", "{demo}/01-en-printer.eml")]
    [TestCase("ingest", "{demo}/02-fa-invoice.eml")]
    public async Task EveryCommandWorksOnACleanCopyOfTheShippedConfigWithoutAMailStack(params string[] args)
    {
        using var temp = CleanCopy();
        var demo = Path.Combine(RepoRoot.Path, "install", "demo-mail");
        var output = new StringWriter();
        var errors = new StringWriter();

        var code = await CliApp.RunAsync([.. args.Select(a => a.Replace("{demo}", demo)), "--config", Path.Combine(temp.Path, "config")], output, errors);

        Assert.That(code, Is.EqualTo(CliApp.Ok), errors.ToString());
        Assert.That(errors.ToString(), Is.Empty);
        // An empty quarantine lists nothing; every other command says something.
        if (args[0] != "quarantine") Assert.That(output.ToString(), Is.Not.Empty);
    }

    [Test]
    public async Task AnIngestedDemoMailCanBeShownReprocessedAndHealthNamesTheMailboxThatNeverPolled()
    {
        using var temp = CleanCopy();
        var config = Path.Combine(temp.Path, "config");
        Task<(int Code, string Output, string Errors)> Run(params string[] args) => CliCommand.RunAsync(config, args);

        var (ingested, ingestOutput, ingestErrors) = await Run("ingest", Path.Combine(RepoRoot.Path, "install", "demo-mail", "01-en-printer.eml"));
        var (shown, showOutput, _) = await Run("tickets", "show", "1", "--save-attachments", Path.Combine(temp.Path, "files"));
        var (reprocessed, reprocessOutput, _) = await Run("reprocess");
        var (health, healthOutput, _) = await Run("health");

        Assert.That(ingested, Is.EqualTo(CliApp.Ok), ingestErrors);
        Assert.That(ingestOutput, Does.Contain("\"action\":\"created\""));
        Assert.That((shown, showOutput.Trim()), Is.EqualTo((CliApp.Ok, $"ticket #1: 0 attachment(s) written to {Path.Combine(temp.Path, "files")} (it has none)")));
        Assert.That((reprocessed, reprocessOutput.Trim()), Is.EqualTo((CliApp.Ok, "1 ticket(s): 0 changed, 1 unchanged, 0 skipped")));
        Assert.That(health, Is.EqualTo(CliApp.UserError));
        Assert.That(healthOutput, Does.Contain("mailbox support (INBOX): never polled successfully"));
    }

    [Test]
    public void EveryTrustedCertificateIsARelativePathInsideConfig()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Shipped("appsettings.json")), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var paths = new List<string>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
                foreach (var p in e.EnumerateObject())
                    if (p.Name == "TrustedCertificate") paths.Add(p.Value.GetString()!);
                    else Walk(p.Value);
            else if (e.ValueKind == JsonValueKind.Array)
                foreach (var item in e.EnumerateArray()) Walk(item);
        }
        Walk(json.RootElement);

        Assert.That(paths, Has.Count.EqualTo(2));
        Assert.That(paths, Has.All.Matches<string>(p => !Path.IsPathRooted(p) && File.Exists(Shipped(p))));
    }

    [Test]
    public void TheTrustedDemoCertificateMatchesTheKeyTheDemoStackServes()
    {
        using var certificate = X509Certificate2.CreateFromPemFile(Shipped("demo-mailstack-cert.pem"), Path.Combine(RepoRoot.Path, "install", "demo-tls", "key.pem"));

        Assert.That(certificate.HasPrivateKey, Is.True);
        Assert.That(certificate.NotAfter, Is.GreaterThan(DateTime.UtcNow.AddYears(1)), "renew install/demo-tls/key.pem and config/demo-mailstack-cert.pem");
    }
}
