using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TicketWorker.Agents;
using TicketWorker.Agents.Verification;
using TicketWorker.Rules;

namespace TicketWorker.Tests.Agents.Verification;

/// <summary>
/// The verifier over messages shaped like what arrives (headers as Postfix, OpenDKIM, Gmail and
/// Microsoft 365 write them), without the network: token and Authentication-Results need none.
/// </summary>
public class AgentVerifierTests
{
    private VerificationHarness harness = null!;

    [SetUp]
    public void CreateHarness() => harness = new VerificationHarness();

    [TearDown]
    public void DisposeHarness() => harness.Dispose();

    private static AgentVerificationOptions AuthResults(string alignment = "strict") =>
        new() { Methods = ["authresults"], AuthServId = "mail.example.test", Alignment = alignment };

    private static string Mail(string headersOnTop = "", string from = "agent1@example.test", string to = "support@example.test") => $"""
        Return-Path: <{from}>
        Delivered-To: support@example.test
        {headersOnTop}Received: from mx.agents.example (mx.agents.example [192.0.2.10])
        	by mail.example.test (Postfix) with ESMTPS id 4B1F2B2001F
        	for <support@example.test>; Wed,  2 Dec 2026 10:38:58 +0000 (UTC)
        From: Agent One <{from}>
        To: {to}
        Subject: Re: [#42] Printer on fire
        Date: Wed, 02 Dec 2026 10:38:57 +0000
        Message-ID: <reply-1@example.test>

        #close

        Fixed.
        """;

    [Test]
    public async Task TheTokenIssuedToThisAgentForThisTicketIsVerified()
    {
        var to = harness.Tokens.AddressForAgent("support@example.test", 42, "agent1@example.test");

        var verdict = await harness.VerifyAsync(new AgentVerificationOptions(), Mail(to: to));

        Assert.That(verdict, Is.EqualTo(AgentVerdict.Pass("token")));
    }

    [Test]
    public async Task ATokenForAnotherTicketIsNotVerified()
    {
        var to = harness.Tokens.AddressForAgent("support@example.test", 41, "agent1@example.test");

        var verdict = await harness.VerifyAsync(new AgentVerificationOptions(), Mail(to: to), ticket: 42);

        Assert.That(verdict.Verified, Is.False);
        Assert.That(verdict.How, Is.EqualTo("token: no reply token issued to this agent for ticket 42"));
    }

    [Test]
    public async Task AReplayedTokenFromAnotherAgentIsNotVerified()
    {
        // agent2 got a notification for ticket 42 and sends with agent1's From through it.
        var to = harness.Tokens.AddressForAgent("support@example.test", 42, "agent2@example.test");

        var asAgent1 = await harness.VerifyAsync(new AgentVerificationOptions(), Mail(to: to), VerificationHarness.Agent1);
        var asAgent2 = await harness.VerifyAsync(new AgentVerificationOptions(), Mail(to: to, from: "agent2@example.test"), VerificationHarness.Agent2);

        Assert.That(asAgent1.Verified, Is.False);
        Assert.That(asAgent2.Verified, Is.True, "the same token is good for the agent it was issued to");
    }

    [Test]
    public async Task TheCustomersTicketTokenIsNoAgentToken()
    {
        var to = harness.Tokens.Address("support@example.test", 42);

        var verdict = await harness.VerifyAsync(new AgentVerificationOptions(), Mail(to: to));

        Assert.That(verdict.Verified, Is.False);
    }

    [Test]
    public async Task TheTopmostAuthenticationResultsOfOurServerIsBelieved()
    {
        var verdict = await harness.VerifyAsync(AuthResults(), Mail("""
            Authentication-Results: mail.example.test;
            	dkim=pass (2048-bit key; unprotected) header.d=example.test header.i=@example.test header.a=rsa-sha256 header.s=tw2026 header.b=hZWFo6DN;
            	dkim-atps=neutral

            """));

        Assert.That(verdict, Is.EqualTo(AgentVerdict.Pass("authresults (Authentication-Results from mail.example.test: dkim=pass header.d=example.test)")));
    }

    [Test]
    public async Task ForgedAuthenticationResultsBelowTheTrustedOneAreIgnored()
    {
        var mail = Mail("""
            Authentication-Results: mail.example.test; dkim=none; dkim-atps=neutral

            """).Replace("From: Agent One", "Authentication-Results: mail.example.test; dkim=pass header.d=example.test; spf=pass smtp.mailfrom=example.test\nFrom: Agent One");

        var verdict = await harness.VerifyAsync(AuthResults(), mail);

        Assert.That(verdict.Verified, Is.False);
        Assert.That(verdict.How, Is.EqualTo("authresults: Authentication-Results from mail.example.test has no dkim or spf pass for example.test (dkim=none)"));
    }

    [Test]
    public async Task ForgedAuthenticationResultsWithoutOurServersHeaderAreBelievedOnlyWhenTheyAreOurs()
    {
        // Another server's verdict, however positive, says nothing: only our authserv-id counts.
        var verdict = await harness.VerifyAsync(AuthResults(), Mail("""
            Authentication-Results: mx.google.com; dkim=pass header.i=@example.test; spf=pass smtp.mailfrom=agent1@example.test

            """));

        Assert.That(verdict.How, Is.EqualTo("authresults: no Authentication-Results from mail.example.test"));
    }

    [Test]
    public async Task CommentsQuotedValuesVersionsAndSeveralResultsAreParsed()
    {
        // RFC 8601 §2.2 and Appendix B shapes, as Microsoft 365 and Gmail write them.
        var verdict = await harness.VerifyAsync(AuthResults(), Mail("""
            Authentication-Results: (our MX) mail.example.test 1; (no signature) dkim=none
            	(message not signed) header.d=none;
            	spf=pass (sender IP is 192.0.2.10) smtp.mailfrom="agent1@example.test";
            	dmarc=pass action=none header.from=example.test

            """));

        Assert.That(verdict.Verified, Is.True, verdict.How);
        Assert.That(verdict.How, Does.Contain("spf=pass smtp.mailfrom=agent1@example.test"));
    }

    [Test]
    public async Task DkimPassForAnotherDomainOrSpfFailDoesNotCount()
    {
        var verdict = await harness.VerifyAsync(AuthResults(), Mail("""
            Authentication-Results: mail.example.test; dkim=pass header.d=mailer.example.net; spf=softfail smtp.mailfrom=agent1@example.test

            """));

        Assert.That(verdict.Verified, Is.False);
        Assert.That(verdict.How, Does.EndWith("(dkim=pass header.d=mailer.example.net, spf=softfail smtp.mailfrom=agent1@example.test)"));
    }

    [Test]
    public async Task RelaxedAlignmentAcceptsAParentDomainAndStrictDoesNot()
    {
        var ann = new Agent("ann@eu.example.test", "Ann", ["support"], null, false);
        var mail = Mail("""
            Authentication-Results: mail.example.test; dkim=pass header.d=example.test

            """, from: "ann@eu.example.test");

        var strict = await harness.VerifyAsync(AuthResults("strict"), mail, ann);
        var relaxed = await harness.VerifyAsync(AuthResults("relaxed"), mail, ann);

        Assert.That(strict.Verified, Is.False);
        Assert.That(relaxed.Verified, Is.True, relaxed.How);
    }

    [Test]
    public async Task ASecondFromHeaderIsNeverVerified()
    {
        var mail = Mail("""
            Authentication-Results: mail.example.test; dkim=pass header.d=example.test

            """).Replace("To: support@example.test", "From: mallory@evil.example\nTo: support@example.test");

        var verdict = await harness.VerifyAsync(AuthResults(), mail);

        Assert.That(verdict.How, Is.EqualTo("authresults: the message has 2 From headers"));
    }

    [Test]
    public async Task AnyConfiguredMethodSufficesAndTheVerdictSaysWhichOrWhyNot()
    {
        var options = new AgentVerificationOptions { Methods = ["token", "authresults"], AuthServId = "mail.example.test" };
        var trusted = Mail("""
            Authentication-Results: mail.example.test; spf=pass smtp.mailfrom=example.test

            """);

        var passed = await harness.VerifyAsync(options, trusted);
        var failed = await harness.VerifyAsync(options, Mail());

        Assert.That(passed.How, Is.EqualTo("authresults (Authentication-Results from mail.example.test: spf=pass smtp.mailfrom=example.test)"));
        Assert.That(failed.How, Is.EqualTo("token: no reply token issued to this agent for ticket 42; authresults: no Authentication-Results from mail.example.test"));
    }

    [TestCase("mail.example.test; dkim=pass", "mail.example.test")]
    [TestCase("  (comment (nested) \\) ) mail.example.test 1 ; none", "mail.example.test")]
    [TestCase("\"mail.example.test\"; none", "mail.example.test")]
    [TestCase("mail.example.test(c); none", "mail.example.test")]
    [TestCase("\r\n\tmail.example.test;\r\n\tdkim=none", "mail.example.test")]
    [TestCase("(only a comment)", null)]
    public void TheAuthservIdIsReadPastCommentsAndFolding(string value, string? expected)
    {
        Assert.That(AuthenticationResultsCheck.AuthServIdOf(System.Text.Encoding.ASCII.GetBytes(value)), Is.EqualTo(expected));
    }

    [TestCase("127.0.0.1:10053", "127.0.0.1:10053")]
    [TestCase("127.0.0.1", "127.0.0.1:53")]
    [TestCase("[::1]:5353", "[::1]:5353")]
    [TestCase("::1", "[::1]:53")]
    public void TheDnsServerTakesAnAddressWithAnOptionalPort(string value, string expected)
    {
        Assert.That(new AgentVerificationOptions { DnsServer = value }.DnsEndPoint!.ToString(), Is.EqualTo(expected));
    }

    [Test]
    public async Task AnUnverifiedClaimIsLoggedAsAWarningWithoutTheToken()
    {
        var logger = new FakeLogger<AgentVerifier>();
        var to = harness.Tokens.AddressForAgent("support@example.test", 42, "agent2@example.test");
        var claim = await harness.ClaimAsync(Mail(to: to), VerificationHarness.Agent1, 42);

        await harness.Verifier(new AgentVerificationOptions(), logger).VerifyAsync(claim, CancellationToken.None);

        var warning = logger.Collector.GetSnapshot().Single(r => r.Level == LogLevel.Warning);
        Assert.That(warning.Message, Is.EqualTo("Message claiming agent agent1@example.test on ticket 42 is not verified: token: no reply token issued to this agent for ticket 42"));
        Assert.That(warning.Message, Does.Not.Contain(to.Split('+', '@')[1]), "a token is a credential");
    }
}
