using Microsoft.Extensions.DependencyInjection;
using TicketWorker.Agents;
using TicketWorker.Agents.Verification;
using TicketWorker.Configuration;
using TicketWorker.Hosting;

namespace TicketWorker.Tests.Agents.Verification;

public class AgentVerificationOptionsTests
{
    [Test]
    public void TheShippedDemoConfigurationBelievesOnlyTheToken()
    {
        // The demo stack has no OpenDKIM: nothing of ours would sit above a forged Authentication-Results.
        var options = AppSettingsLoader.Load(Path.Combine(RepoRoot.Path, "config")).Options.AgentVerification;

        Assert.That(options.EffectiveMethods, Is.EqualTo(new[] { "token" }));
    }

    [Test]
    public void WithoutTheSectionOnlyTheTokenCounts()
    {
        using var dir = new TempDirectory();
        dir.Write("appsettings.json", """{ "TicketWorker": { } }""");

        var options = AppSettingsLoader.Load(dir.Path).Options.AgentVerification;

        Assert.That(options.EffectiveMethods, Is.EqualTo(new[] { "token" }));
        Assert.That(options.DnsEndPoint, Is.Null, "the system resolver");
    }

    [Test]
    public void EveryMistakeIsReportedWithItsLineAndColumn()
    {
        using var dir = new TempDirectory();
        dir.Write("appsettings.json", """
            {
              "TicketWorker": {
                "AgentVerification": {
                  "Methods": [ "token", "spf", "authresults", "arc" ],
                  "DnsServer": "dns.example.net",
                  "DnsTimeout": "00:00:00",
                  "Alignment": "loose"
                }
              }
            }
            """);

        var e = Assert.Throws<ConfigException>(() => AppSettingsLoader.Load(dir.Path))!;
        var errors = e.Errors.Select(x => $"{x.Line}:{x.Column}: {x.Message}").ToList();

        Assert.That(errors, Has.Some.Matches<string>(x => x.StartsWith("4:29: ") && x.Contains("unknown agent verification method 'spf'")));
        Assert.That(errors, Has.Some.Matches<string>(x => x.StartsWith("5:7: ") && x.Contains("'dns.example.net'")));
        Assert.That(errors, Has.Some.Matches<string>(x => x.StartsWith("6:7: ") && x.Contains("DnsTimeout")));
        Assert.That(errors, Has.Some.Matches<string>(x => x.StartsWith("7:7: ") && x.Contains("'loose'")));
        Assert.That(errors, Has.Some.Matches<string>(x => x.StartsWith("3:5: ") && x.Contains("authresults method needs AuthServId")));
        Assert.That(errors, Has.Some.Matches<string>(x => x.Contains("arc method needs TrustedArcSealers")));
        Assert.That(errors, Has.Count.EqualTo(6));
    }

    [Test]
    public void TheHostGivesTheConfiguredVerifier()
    {
        using var dir = new TempDirectory();
        dir.Write("appsettings.json", """
            { "TicketWorker": { "AgentVerification": { "Methods": [ "dkim" ], "DnsServer": "127.0.0.1:10053" } } }
            """);
        using var host = TicketWorkerHost.CreateBuilder(dir.Path).Build();

        var verifier = host.Services.GetRequiredService<IAgentVerifier>();
        var options = host.Services.GetRequiredService<AgentVerificationOptions>();

        Assert.That(verifier, Is.TypeOf<AgentVerifier>());
        Assert.That(options.EffectiveMethods, Is.EqualTo(new[] { "dkim" }));
        Assert.That(host.Services.GetRequiredService<MimeKit.Cryptography.IDkimPublicKeyLocator>(), Is.TypeOf<DnsDkimPublicKeyLocator>());
    }
}
