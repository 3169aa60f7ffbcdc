using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TicketWorker.Tests.Outbox;

/// <summary>
/// The shared mail stack (install/mailstack.sh) as the outbox tests use it: its SMTP port, and a
/// minimal raw IMAP search that counts how often a Message-ID arrived in a user's INBOX.
/// </summary>
internal static class OutboxMailStack
{
    public const string Password = "secret";

    public static string Host => Environment.GetEnvironmentVariable("TICKETWORKER_MAILSTACK_HOST") ?? "127.0.0.1";

    public static int SmtpPort => Port("TICKETWORKER_SMTP_PORT", 10025);

    public static int SubmissionPort => Port("TICKETWORKER_SUBMISSION_PORT", 10587);

    /// <summary>The stack's self-signed certificate (PEM) to trust.</summary>
    public static string CertificatePath => Environment.GetEnvironmentVariable("TICKETWORKER_MAILSTACK_CERT")
        ?? Path.Combine(Environment.GetEnvironmentVariable("TICKETWORKER_MAILSTACK_DIR") ?? "/tmp/ticketworker-mailstack", "tls", "cert.pem");

    public static int ImapPort => Port("TICKETWORKER_IMAP_PORT", 10143);

    /// <summary>
    /// Waits (bounded) until <paramref name="messageId"/> is in <paramref name="user"/>'s INBOX at least
    /// <paramref name="atLeast"/> times, then returns how many copies are there (0 when none came).
    /// </summary>
    public static async Task<int> CountInInboxAsync(string user, string messageId, int atLeast = 1, TimeSpan? wait = null, string folder = "INBOX")
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(Host, ImapPort);
        }
        catch (SocketException ex)
        {
            Assert.Fail($"The mail stack's IMAP port {Host}:{ImapPort} does not answer ({ex.Message}); start it with install/mailstack.sh up.");
        }

        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var tag = 0;
        async Task<List<string>> Command(string command)
        {
            var t = $"a{++tag}";
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{t} {command}\r\n"));
            var lines = new List<string>();
            while (await reader.ReadLineAsync() is { } line)
            {
                lines.Add(line);
                if (line.StartsWith(t + " ", StringComparison.Ordinal))
                {
                    Assert.That(line, Does.StartWith(t + " OK"), $"IMAP {command.Split(' ')[0]}");
                    return lines;
                }
            }

            throw new IOException("IMAP server closed the connection");
        }

        await reader.ReadLineAsync();
        await Command($"LOGIN \"{user}@example.test\" \"{Password}\"");
        await Command($"EXAMINE \"{folder}\"");
        var deadline = DateTime.UtcNow + (wait ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var found = (await Command($"UID SEARCH HEADER Message-ID \"{messageId}\""))
                .Where(l => l.StartsWith("* SEARCH", StringComparison.Ordinal))
                .SelectMany(l => l[8..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Count();
            if (found >= atLeast || DateTime.UtcNow > deadline)
            {
                await Command("LOGOUT");
                return found;
            }

            await Task.Delay(50);
            await Command("NOOP");
        }
    }

    /// <summary>
    /// Copies of <paramref name="messageId"/> in the INBOX once it arrived: waits up to 15 s for the
    /// first, then up to 1 s more for a duplicate that a double send would deliver right behind it.
    /// </summary>
    public static async Task<int> CopiesDeliveredAsync(string user, string messageId)
    {
        var count = await CountInInboxAsync(user, messageId);
        return count == 1 ? await CountInInboxAsync(user, messageId, atLeast: 2, wait: TimeSpan.FromSeconds(1)) : count;
    }

    /// <summary>
    /// Copies of each Message-ID in the INBOX: waits up to 30 s until every one arrived, then 1 s
    /// more once for duplicates, then counts each again.
    /// </summary>
    public static async Task<IReadOnlyList<int>> CopiesDeliveredAsync(string user, IReadOnlyList<string> messageIds)
    {
        foreach (var id in messageIds)
        {
            await CountInInboxAsync(user, id, wait: TimeSpan.FromSeconds(30));
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        var counts = new List<int>();
        foreach (var id in messageIds)
        {
            counts.Add(await CountInInboxAsync(user, id, atLeast: int.MaxValue, wait: TimeSpan.Zero));
        }

        return counts;
    }

    /// <summary>
    /// An OAuth2 access token (HS256 JWT) for <paramref name="user"/>@example.test that the stack
    /// (Dovecot's oauth2 passdb, which Postfix submission asks) accepts for XOAUTH2, valid one hour.
    /// </summary>
    public static string AccessToken(string user)
    {
        var dir = Environment.GetEnvironmentVariable("TICKETWORKER_MAILSTACK_DIR") ?? "/tmp/ticketworker-mailstack";
        var key = Convert.FromBase64String(File.ReadAllText(Path.Combine(dir, "oauth2", "keys", "default", "HS256", "default")).Trim());
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = B64(Encoding.UTF8.GetBytes("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"));
        var claims = B64(JsonSerializer.SerializeToUtf8Bytes(new { sub = $"{user}@example.test", iat = now - 5, nbf = now - 5, exp = now + 3600 }));
        return $"{header}.{claims}.{B64(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{header}.{claims}")))}";
    }

    /// <summary>A local port nothing listens on (bound once, then released).</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static int Port(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var port) ? port : fallback;
}
