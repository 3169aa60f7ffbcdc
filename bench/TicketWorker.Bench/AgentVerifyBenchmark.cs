using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using MimeKit.Cryptography;
using TicketWorker.Agents;
using TicketWorker.Agents.Verification;
using TicketWorker.Mail.Reading;
using TicketWorker.Rules;
using TicketWorker.Storage;
using TicketWorker.Threading;

namespace TicketWorker.Bench;

/// <summary>
/// What verifying an agent's message costs per method: token (HMAC), authresults (parse the stored
/// message, find our header), dkim (parse, one DNS TXT lookup at the local dnsmasq, RSA-2048 verify).
/// Needs install/agent-auth.sh up (the key under the stack's state directory, DNS on its port).
/// </summary>
internal sealed class AgentVerifyBenchmark : IBenchmark
{
    public string Name => "agent-verify";

    public string Usage => "[--messages N (default 300)] [--dns 127.0.0.1:10053] [--methods token,authresults,dkim]  agent verification cost per method and per DNS key lookup";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var count = Option(args, "--messages") is { } n ? int.Parse(n) : 300;
        var dns = Option(args, "--dns") ?? $"127.0.0.1:{Environment.GetEnvironmentVariable("TICKETWORKER_DNS_PORT") ?? "10053"}";
        var state = Environment.GetEnvironmentVariable("TICKETWORKER_MAILSTACK_DIR") ?? "/tmp/ticketworker-mailstack";
        var key = Path.Combine(state, "dkim", "tw2026.private");
        if (!File.Exists(key))
        {
            Console.Error.WriteLine($"agent-verify: no key at {key}: run install/agent-auth.sh up");
            return 1;
        }

        var folder = Path.Combine(Path.GetTempPath(), "tw-bench-verify-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var store = new RawMailStore(new StorageDatabase(new StorageOptions
            {
                ConnectionString = $"Data Source={Path.Combine(folder, "tw.db")}",
                RawMailPath = Path.Combine(folder, "raw"),
            }));
            var tokens = new ReplyToken(RandomNumberGenerator.GetBytes(32));
            var agent = new Agent("agent1@example.test", "Agent One", ["support"], null, false);
            var to = tokens.AddressForAgent("support@example.test", 42, agent.Email);
            var raw = Signed(key, to);
            var reference = await store.SaveAsync(new MemoryStream(raw), cancellationToken);
            var read = await MessageReader.ReadAsync(new MemoryStream(raw), cancellationToken: cancellationToken);
            var claim = new AgentClaim(agent, read, reference, 42, ["support@example.test"], tokens);

            Console.WriteLine($"agent-verify: {count} verifications per method, DNS {dns}, one signed message of {raw.Length} bytes");
            foreach (var method in Option(args, "--methods")?.Split(',') ?? ["token", "authresults", "dkim"])
            {
                var options = new AgentVerificationOptions { Methods = [method], DnsServer = dns, AuthServId = "mail.example.test" };
                var verifier = new AgentVerifier(options, store, new DnsDkimPublicKeyLocator(options), TimeProvider.System, NullLogger<AgentVerifier>.Instance);
                var warm = await verifier.VerifyAsync(claim, cancellationToken);
                if (!warm.Verified)
                {
                    Console.Error.WriteLine($"agent-verify: {method} did not verify: {warm.How}");
                    return 1;
                }
                var times = new List<double>(count);
                for (var i = 0; i < count && !cancellationToken.IsCancellationRequested; i++)
                {
                    var watch = Stopwatch.StartNew();
                    await verifier.VerifyAsync(claim, cancellationToken);
                    times.Add(watch.Elapsed.TotalMicroseconds);
                }
                times.Sort();
                Console.WriteLine($"  {method,-12} median {times[times.Count / 2],8:F0} µs   p95 {times[(int)(times.Count * 0.95)],8:F0} µs   max {times[^1],8:F0} µs");
            }
            // Where the dkim time goes: the key lookup alone (DNS), then the verification with the key in hand.
            var lookupOptions = new AgentVerificationOptions { DnsServer = dns };
            var locator = new DnsDkimPublicKeyLocator(lookupOptions);
            var lookups = new List<double>(count);
            for (var i = 0; i < count && !cancellationToken.IsCancellationRequested; i++)
            {
                var watch = Stopwatch.StartNew();
                await locator.LocatePublicKeyAsync("dns/txt", "example.test", "tw2026", cancellationToken);
                lookups.Add(watch.Elapsed.TotalMicroseconds);
            }
            lookups.Sort();
            Console.WriteLine($"  {"key lookup",-12} median {lookups[lookups.Count / 2],8:F0} µs   p95 {lookups[(int)(lookups.Count * 0.95)],8:F0} µs   max {lookups[^1],8:F0} µs");
            return 0;
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>A reply of agent1 signed with the stack's example.test key, with our server's header on top.</summary>
    private static byte[] Signed(string keyPath, string to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("agent1@example.test"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "Re: [#42] Printer on fire";
        message.Date = DateTimeOffset.UtcNow;
        message.MessageId = "bench@example.test";
        message.Body = new TextPart("plain") { Text = "#close\n\nFixed.\n" + new string('x', 2000) + "\n" };
        message.Prepare(EncodingConstraint.SevenBit);
        new DkimSigner(keyPath, "example.test", "tw2026").Sign(message, [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId]);
        message.Headers.Insert(0, new Header("Authentication-Results", "mail.example.test; dkim=pass header.d=example.test"));
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.ToArray();
    }

    private static string? Option(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i + 1 < args.Count; i++)
            if (args[i] == name) return args[i + 1];
        return null;
    }
}
