using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using TicketWorker.Agents.Verification;

namespace TicketWorker.Tests.Agents.Verification;

/// <summary>
/// The checks against the real parts: Postfix with OpenDKIM as its milter (signing the agents'
/// AUTH submissions, verifying inbound mail and writing Authentication-Results) and dnsmasq
/// serving the keys (install/agent-auth.sh). Mail goes through Postfix into Dovecot and is read
/// back over IMAP, byte for byte, as the worker would read it.
/// </summary>
public class AgentVerificationStackTests
{
    private VerificationHarness harness = null!;

    [SetUp]
    public void CreateHarness() => harness = new VerificationHarness();

    [TearDown]
    public void DisposeHarness() => harness.Dispose();

    private static AgentVerificationOptions Options(params string[] methods) => new()
    {
        Methods = [.. methods],
        DnsServer = AgentAuthStack.DnsServer,
        DnsTimeout = TimeSpan.FromSeconds(3),
        AuthServId = AgentAuthStack.AuthServId,
        TrustedArcSealers = [AgentAuthStack.ForwarderDomain],
    };

    [Test]
    public async Task AgentMailSignedByOpenDkimInThePostfixIsVerifiedByDkim()
    {
        var raw = await VerificationHarness.SendAndFetchAsync(VerificationHarness.NewMessage(), login: "agent1");
        Assert.That(Encoding.ASCII.GetString(raw), Does.Contain("d=example.test").And.Contain("s=tw2026"), "OpenDKIM did not sign the submission");

        var verdict = await harness.VerifyAsync(Options("dkim"), raw);

        Assert.That(verdict.Verified, Is.True, verdict.How);
        Assert.That(verdict.How, Is.EqualTo("dkim (d=example.test s=tw2026)"));
    }

    [Test]
    public async Task SpoofedFromThroughTheUnauthenticatedPortIsNotVerifiedByAnyMethod()
    {
        var raw = await VerificationHarness.SendAndFetchAsync(VerificationHarness.NewMessage());

        var verdict = await harness.VerifyAsync(Options("token", "dkim", "authresults", "arc"), raw);

        Assert.That(verdict.Verified, Is.False);
        Assert.That(verdict.How, Does.Contain("token: no reply token issued to this agent for ticket 42"));
        Assert.That(verdict.How, Does.Contain("dkim: no DKIM-Signature"));
        Assert.That(verdict.How, Does.Contain("authresults: Authentication-Results from mail.example.test has no dkim or spf pass for example.test (dkim=none)"));
        Assert.That(verdict.How, Does.Contain("arc: no ARC chain"));
    }

    [Test]
    public async Task ForgedAuthenticationResultsBelowTheTrustedOneIsNotBelieved()
    {
        var message = VerificationHarness.NewMessage();
        // OpenDKIM drops forged headers of its authserv-id that carry a DKIM result, so the forger
        // claims SPF: the header stays, below the one our server adds.
        message.Headers.Add("Authentication-Results", "mail.example.test; spf=pass smtp.mailfrom=agent1@example.test");
        var raw = await VerificationHarness.SendAndFetchAsync(message);
        var headers = AuthenticationResultsHeaders(raw);
        Assert.That(headers, Has.Count.EqualTo(2), "expected our header on top of the forged one");
        Assert.That(headers[0], Does.Contain("dkim=none"));
        Assert.That(headers[1], Does.Contain("spf=pass"));

        var verdict = await harness.VerifyAsync(Options("authresults"), raw);

        Assert.That(verdict.Verified, Is.False, verdict.How);
        Assert.That(verdict.How, Does.Contain("(dkim=none)"));
    }

    [Test]
    public async Task ForgedAuthenticationResultsInSubmittedMailIsDroppedByOurPostfix()
    {
        // Submitted mail is signed, not verified: no header of ours is added above a forged one.
        var message = VerificationHarness.NewMessage(from: "customer1@example.test");
        message.Headers.Add("Authentication-Results", "mail.example.test; dkim=pass header.d=example.test; spf=pass smtp.mailfrom=example.test");
        var raw = await VerificationHarness.SendAndFetchAsync(message, login: "customer1");

        Assert.That(AuthenticationResultsHeaders(raw), Is.Empty);
        var verdict = await harness.VerifyAsync(Options("authresults"), raw, VerificationHarness.Agent1 with { Email = "customer1@example.test" });
        Assert.That(verdict.Verified, Is.False);
        Assert.That(verdict.How, Is.EqualTo("authresults: no Authentication-Results from mail.example.test"));
    }

    [Test]
    public async Task MailSignedByTheAgentsDomainIsVerifiedByOurServersAuthenticationResults()
    {
        // As if the agent's provider signed it: OpenDKIM verifies it with the key from dnsmasq.
        var message = VerificationHarness.NewMessage();
        Sign(message, AgentAuthStack.ExampleKeyPath);
        var raw = await VerificationHarness.SendAndFetchAsync(message);

        var verdict = await harness.VerifyAsync(Options("authresults"), raw);

        Assert.That(verdict.Verified, Is.True, verdict.How);
        Assert.That(verdict.How, Is.EqualTo("authresults (Authentication-Results from mail.example.test: dkim=pass header.d=example.test)"));
    }

    [Test]
    public async Task DkimWithTheWrongKeyInDnsIsNotVerified()
    {
        var message = VerificationHarness.NewMessage();
        var wrongKey = NewKeyFile();
        try { Sign(message, wrongKey); }
        finally { File.Delete(wrongKey); }
        var raw = await VerificationHarness.SendAndFetchAsync(message);

        var verdict = await harness.VerifyAsync(Options("dkim", "authresults"), raw);

        Assert.That(verdict.Verified, Is.False);
        Assert.That(verdict.How, Does.Contain("dkim: d=example.test s=tw2026: signature does not verify"));
        Assert.That(verdict.How, Does.Contain("dkim=fail"), "OpenDKIM should have found the same");
    }

    [Test]
    public async Task ASignatureOfAnotherDomainDoesNotSpeakForTheAgent()
    {
        var message = VerificationHarness.NewMessage();
        Sign(message, AgentAuthStack.ForwarderKeyPath, AgentAuthStack.ForwarderDomain, AgentAuthStack.ForwarderSelector);
        var raw = await VerificationHarness.SendAndFetchAsync(message);

        var verdict = await harness.VerifyAsync(Options("dkim", "authresults"), raw);

        Assert.That(verdict.Verified, Is.False);
        Assert.That(verdict.How, Does.Contain("dkim: d=forwarder.test s=arc2026: not the agent's domain"));
        Assert.That(verdict.How, Does.Contain("dkim=pass header.d=forwarder.test"));
    }

    [Test]
    public async Task ADnsServerThatDoesNotAnswerMeansNotVerifiedWithinTheTimeout()
    {
        var raw = await VerificationHarness.SendAndFetchAsync(VerificationHarness.NewMessage(), login: "agent1");
        var options = Options("dkim");
        options.DnsServer = "127.0.0.1:9"; // discard port: nothing answers DNS there
        options.DnsTimeout = TimeSpan.FromSeconds(1);

        var started = DateTime.UtcNow;
        var verdict = await harness.VerifyAsync(options, raw);

        Assert.That(verdict.Verified, Is.False);
        Assert.That(verdict.How, Does.StartWith("dkim: d=example.test s=tw2026: DNS lookup of tw2026._domainkey.example.test"));
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task ForwardedMailIsVerifiedByTheArcResultsOfATrustedForwarder()
    {
        var raw = await SendThroughForwarderAsync();

        var dkimOnly = await harness.VerifyAsync(Options("dkim"), raw);
        var arc = await harness.VerifyAsync(Options("dkim", "arc"), raw);

        Assert.That(dkimOnly.Verified, Is.False, "the forwarder changed the subject: the agent's signature must be broken");
        Assert.That(arc.Verified, Is.True, arc.How);
        Assert.That(arc.How, Is.EqualTo("arc (ARC i=1 from forwarder.test: dkim=pass header.d=example.test)"));
    }

    [Test]
    public async Task ArcResultsOfAnUntrustedForwarderAreIgnored()
    {
        var raw = await SendThroughForwarderAsync();
        var options = Options("arc");
        options.TrustedArcSealers = ["lists.example.org"];

        var verdict = await harness.VerifyAsync(options, raw);

        Assert.That(verdict.Verified, Is.False);
        Assert.That(verdict.How, Is.EqualTo("arc: ARC chain passes but no set is sealed by a trusted forwarder"));
    }

    [Test]
    public async Task AnArcChainBrokenAfterSealingIsNotBelieved()
    {
        var raw = await SendThroughForwarderAsync(tamperAfterSealing: true);

        var verdict = await harness.VerifyAsync(Options("arc"), raw);

        Assert.That(verdict.Verified, Is.False);
        Assert.That(verdict.How, Does.StartWith("arc: ARC chain fail"));
    }

    /// <summary>
    /// The agent's provider signs (example.test key), a list at forwarder.test adds "[list]" to the
    /// subject (breaking that signature) after recording dkim=pass in its ARC set, then delivers to us.
    /// </summary>
    private static async Task<byte[]> SendThroughForwarderAsync(bool tamperAfterSealing = false)
    {
        var message = VerificationHarness.NewMessage();
        Sign(message, AgentAuthStack.ExampleKeyPath);
        message.Subject = "[list] " + message.Subject;
        var arc = new TestArcSigner(AgentAuthStack.ForwarderKeyPath, AgentAuthStack.ForwarderDomain, AgentAuthStack.ForwarderSelector)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
        await arc.SignAsync(message, [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId]);
        if (tamperAfterSealing)
            message.Subject += " (edited)";
        return await VerificationHarness.SendAndFetchAsync(message);
    }

    private static void Sign(MimeMessage message, string keyPath, string domain = "example.test", string selector = AgentAuthStack.Selector)
    {
        var signer = new DkimSigner(keyPath, domain, selector)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
        message.Prepare(EncodingConstraint.SevenBit);
        signer.Sign(message, [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId]);
    }

    /// <summary>A fresh RSA key that is in no DNS record.</summary>
    private static string NewKeyFile()
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new KeyGenerationParameters(new SecureRandom(), 2048));
        var pair = generator.GenerateKeyPair();
        var path = Path.Combine(Path.GetTempPath(), $"tw-wrong-key-{Guid.NewGuid():N}.pem");
        using (var writer = new StreamWriter(path))
        {
            var pem = new Org.BouncyCastle.OpenSsl.PemWriter(writer);
            pem.WriteObject(pair.Private);
        }
        return path;
    }

    private static List<string> AuthenticationResultsHeaders(byte[] raw)
    {
        using var message = MimeMessage.Load(new MemoryStream(raw));
        return message.Headers.Where(h => h.Field.Equals("Authentication-Results", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
    }

    /// <summary>A forwarder that records dkim=pass for example.test (what it found before changing the subject).</summary>
    private sealed class TestArcSigner(string keyPath, string domain, string selector) : ArcSigner(keyPath, domain, selector)
    {
        protected override AuthenticationResults GenerateArcAuthenticationResults(FormatOptions options, MimeMessage message, CancellationToken cancellationToken)
        {
            var dkim = new AuthenticationMethodResult("dkim", "pass");
            dkim.Properties.Add(new AuthenticationMethodProperty("header", "d", "example.test"));
            var results = new AuthenticationResults(AgentAuthStack.ForwarderDomain);
            results.Results.Add(dkim);
            return results;
        }

        protected override Task<AuthenticationResults> GenerateArcAuthenticationResultsAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
            Task.FromResult(GenerateArcAuthenticationResults(options, message, cancellationToken));
    }
}
