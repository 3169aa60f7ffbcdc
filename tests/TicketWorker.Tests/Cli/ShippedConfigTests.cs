using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using TicketWorker.Cli;

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
