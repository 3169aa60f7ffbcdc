using TicketWorker.Tests.Infrastructure;

namespace TicketWorker.Tests.Agents.Verification;

/// <summary>
/// Where install/agent-auth.sh runs OpenDKIM and dnsmasq for the mail stack, read from the same
/// environment variables as the script (TICKETWORKER_DNS_PORT, default 10053; the keys under the
/// stack's state directory). A test that needs it FAILS with instructions when it is not running.
/// </summary>
public static class AgentAuthStack
{
    /// <summary>The selector OpenDKIM signs example.test with (its key is published in the DNS).</summary>
    public const string Selector = "tw2026";

    /// <summary>The test forwarder's domain and selector (key published too, for ARC tests).</summary>
    public const string ForwarderDomain = "forwarder.test";
    public const string ForwarderSelector = "arc2026";

    /// <summary>The authserv-id OpenDKIM writes into Authentication-Results.</summary>
    public const string AuthServId = "mail.example.test";

    /// <summary>The DNS server's port, checked to answer (TCP).</summary>
    public static int DnsPort => MailStack.RequirePort(
        int.TryParse(Environment.GetEnvironmentVariable("TICKETWORKER_DNS_PORT"), out var port) ? port : 10053);

    /// <summary>"127.0.0.1:PORT", as AgentVerification:DnsServer takes it.</summary>
    public static string DnsServer => $"{MailStack.Host}:{DnsPort}";

    /// <summary>The private key (PEM) OpenDKIM signs example.test with.</summary>
    public static string ExampleKeyPath => Key(Selector);

    /// <summary>The private key (PEM) of the test forwarder.</summary>
    public static string ForwarderKeyPath => Key(ForwarderSelector);

    private static string Key(string name)
    {
        var path = Path.Combine(MailStack.StateDirectory, "dkim", name + ".private");
        if (!File.Exists(path))
            Assert.Fail($"No DKIM key at {path}: start OpenDKIM and the DNS with `install/agent-auth.sh up` (test.sh does this through install/test-services.sh).");
        return path;
    }
}
