using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TicketWorker.Tests.Infrastructure;

/// <summary>
/// Where the local mail stack (install/mailstack.sh) listens and how to log in. Reads the same
/// environment variables as the script, with its defaults. A test that needs the stack calls
/// <see cref="RequirePort"/> (the port properties do): when the stack is not running the test
/// FAILS with instructions; it never passes silently.
/// </summary>
public static class MailStack
{
    /// <summary>The test domain: every user below is &lt;name&gt;@example.test.</summary>
    public const string Domain = "example.test";

    /// <summary>Every test user's password (test stack only).</summary>
    public const string Password = "secret";

    private static readonly ConcurrentDictionary<int, bool> Checked = new();

    /// <summary>The stack's host: 127.0.0.1 (nothing listens on ::1).</summary>
    public static string Host => Environment.GetEnvironmentVariable("TICKETWORKER_MAILSTACK_HOST") ?? "127.0.0.1";

    /// <summary>The machine-global state directory (configs, Maildirs, logs, certificate).</summary>
    public static string StateDirectory =>
        Environment.GetEnvironmentVariable("TICKETWORKER_MAILSTACK_DIR") ?? "/tmp/ticketworker-mailstack";

    /// <summary>IMAP with STARTTLS offered.</summary>
    public static int ImapPort => RequirePort(Port("TICKETWORKER_IMAP_PORT", 10143));

    /// <summary>IMAP over implicit TLS.</summary>
    public static int ImapsPort => RequirePort(Port("TICKETWORKER_IMAPS_PORT", 10993));

    /// <summary>The second Dovecot (the "hosted" profile: prefix INBOX., separator ., no MOVE/LITERAL+/UNSELECT), STARTTLS offered.</summary>
    public static int HostedImapPort => RequirePort(Port("TICKETWORKER_HOSTED_IMAP_PORT", 11143));

    /// <summary>Dovecot LMTP (what Postfix delivers to).</summary>
    public static int LmtpPort => RequirePort(Port("TICKETWORKER_LMTP_PORT", 10024));

    /// <summary>Plain SMTP without TLS or AUTH: accepts mail for example.test only.</summary>
    public static int SmtpPort => RequirePort(Port("TICKETWORKER_SMTP_PORT", 10025));

    /// <summary>Submission: STARTTLS required, then AUTH (PLAIN, LOGIN, XOAUTH2, OAUTHBEARER).</summary>
    public static int SubmissionPort => RequirePort(Port("TICKETWORKER_SUBMISSION_PORT", 10587));

    /// <summary>SMTP over implicit TLS with AUTH.</summary>
    public static int SmtpsPort => RequirePort(Port("TICKETWORKER_SMTPS_PORT", 10465));

    /// <summary>The stack's self-signed certificate (PEM; CN and SAN localhost, IP 127.0.0.1).</summary>
    public static string CertificatePath => Path.Combine(StateDirectory, "tls", "cert.pem");

    /// <summary>The base64 HS256 key Dovecot validates OAuth2 tokens with.</summary>
    public static string OAuth2KeyPath => Path.Combine(StateDirectory, "oauth2", "keys", "default", "HS256", "default");

    /// <summary>The full address of a test user ("customer1" → "customer1@example.test").</summary>
    public static string Address(string user) => user.Contains('@') ? user : $"{user}@{Domain}";

    /// <summary>Fails the current test unless something accepts TCP connections on the port.</summary>
    public static int RequirePort(int port)
    {
        if (Checked.ContainsKey(port))
        {
            return port;
        }

        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            client.ConnectAsync(Host, port, timeout.Token).AsTask().GetAwaiter().GetResult();
            Checked[port] = true;
            return port;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            Assert.Fail(
                $"The local mail stack is not reachable on {Host}:{port} ({ex.Message}). "
                + "Start it with `install/mailstack.sh up` (test.sh does this through install/test-services.sh).");
            throw; // not reached: Assert.Fail throws
        }
    }

    /// <summary>
    /// Mints an OAuth2 access token (an HS256 JWT) for a test user that Dovecot accepts for XOAUTH2
    /// and OAUTHBEARER, signed with the stack's key. A negative lifetime yields an expired token.
    /// </summary>
    public static string CreateAccessToken(string user, TimeSpan? lifetime = null, byte[]? key = null)
    {
        key ??= Convert.FromBase64String(File.ReadAllText(OAuth2KeyPath).Trim());
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64Url(Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}"""));
        var claims = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["sub"] = Address(user),
            ["iat"] = now - 5,
            ["nbf"] = now - 5,
            ["exp"] = now + (long)(lifetime ?? TimeSpan.FromHours(1)).TotalSeconds,
        });
        var body = Base64Url(Encoding.UTF8.GetBytes(claims));
        var signature = Base64Url(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{header}.{body}")));
        return $"{header}.{body}.{signature}";
    }

    private static int Port(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var port) ? port : fallback;

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
