using System.Text;
using TicketWorker.Mail.Protocol;
using TicketWorker.Mail.Security;
using TicketWorker.Mail.Smtp;
using TicketWorker.Mail.Tests.Infrastructure;

namespace TicketWorker.Mail.Tests.Smtp;

/// <summary>The SMTP client against recorded server transcripts: replies a local Postfix does not give.</summary>
public partial class SmtpClientTranscriptTests
{
    private static readonly string[] Greeting = ["S: 220 mx.example.net ESMTP"];

    [Test, CancelAfter(10_000)]
    public async Task MultiLineEhloReplyYieldsEveryCapabilityAndTheSizeLimit(CancellationToken ct)
    {
        var server = Script(
            "C: EHLO client.test",
            "S: 250-mx.example.net greets client.test",
            "S: 250-SIZE 35882577",
            "S: 250-8BITMIME",
            "S: 250-AUTH=LOGIN PLAIN",
            "S: 250-AUTH PLAIN LOGIN XOAUTH2",
            "S: 250-ENHANCEDSTATUSCODES",
            "S: 250-PIPELINING",
            "S: 250-SMTPUTF8",
            "S: 250 CHUNKING");
        await using var client = NewClient();

        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);

        Assert.That(client.Capabilities, Is.EqualTo(
            SmtpCapabilities.Size | SmtpCapabilities.EightBitMime | SmtpCapabilities.Authentication
            | SmtpCapabilities.EnhancedStatusCodes | SmtpCapabilities.Pipelining | SmtpCapabilities.SmtpUtf8
            | SmtpCapabilities.Chunking));
        Assert.That(client.MaxMessageSize, Is.EqualTo(35882577));
        Assert.That(client.AuthenticationMechanisms, Is.EquivalentTo(new[] { "LOGIN", "PLAIN", "XOAUTH2" }));
        Assert.That(client.Greeting!.Text, Is.EqualTo("mx.example.net ESMTP"));
        Assert.That(server.Mismatch, Is.Null);
    }

    [Test, CancelAfter(10_000)]
    public async Task ServerWithoutEhloGetsHeloAndPlainOneByOneCommands(CancellationToken ct)
    {
        var server = Script(
            "C: EHLO client.test",
            "S: 502 5.5.2 Error: command not recognized",
            "C: HELO client.test",
            "S: 250 mx.example.net",
            "C: MAIL FROM:<a@example.net>",
            "S: 250 ok",
            "C: RCPT TO:<b@example.net>",
            "S: 250 ok",
            "C: DATA",
            "S: 354 go ahead",
            "D:",
            "S: 250 accepted",
            "C: QUIT",
            "S: 221 bye");
        await using var client = NewClient();
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);

        var result = await client.SendAsync(new SmtpEnvelope("a@example.net", "b@example.net"), Message("Subject: x\r\n\r\nhi\r\n"), ct);
        await client.QuitAsync(ct);

        Assert.That(client.Capabilities, Is.EqualTo(SmtpCapabilities.None));
        Assert.That(result.Accepted.Select(r => r.Address), Is.EqualTo(new[] { "b@example.net" }));
        Assert.That(server.Mismatch, Is.Null);
        Assert.That(server.IsComplete, Is.True);
        Assert.That(client.IsConnected, Is.False);
    }

    [Test, CancelAfter(10_000)]
    public async Task GreetingWith421IsATransientRefusalAndClosesTheConnection(CancellationToken ct)
    {
        var server = new ScriptedServerStream("S: 421 4.3.2 mx.example.net too busy, try later");
        await using var client = NewClient();

        var error = Assert.ThrowsAsync<MailCommandException>(() => client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct));

        Assert.That(error!.IsTransient, Is.True);
        Assert.That(error.StatusCode, Is.EqualTo(421));
        Assert.That(error.EnhancedStatusCode, Is.EqualTo("4.3.2"));
        Assert.That(error.ServerText, Does.Contain("too busy"));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test, CancelAfter(10_000)]
    public async Task GreetingWith554IsAPermanentRefusal(CancellationToken ct)
    {
        var server = new ScriptedServerStream("S: 554 5.7.1 no SMTP service here");
        await using var client = NewClient();

        var error = Assert.ThrowsAsync<MailCommandException>(() => client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct));

        Assert.That(error!.IsTransient, Is.False);
        Assert.That(error.StatusCode, Is.EqualTo(554));
    }

    [Test, CancelAfter(10_000)]
    public async Task ASilentServerTimesOutAsConnectionLost(CancellationToken ct)
    {
        var server = Script(
            "C: EHLO client.test",
            "S: 250 mx.example.net",
            "C: NOOP",
            "HANG");
        await using var client = NewClient();
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);
        client.Timeout = TimeSpan.FromMilliseconds(200);

        var error = Assert.ThrowsAsync<ConnectionLostException>(() => client.NoOpAsync(ct));

        Assert.That(error!.InnerException, Is.InstanceOf<TimeoutException>());
        Assert.That(client.IsConnected, Is.False);
    }

    [Test, CancelAfter(10_000)]
    public async Task CancellingAWaitEndsTheConnectionWithOperationCanceled(CancellationToken ct)
    {
        var server = Script("C: EHLO client.test", "S: 250 mx.example.net", "C: NOOP", "HANG");
        await using var client = NewClient();
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cancel.CancelAfter(100);

        Assert.That(() => client.NoOpAsync(cancel.Token), Throws.InstanceOf<OperationCanceledException>());

        Assert.That(client.IsConnected, Is.False, "the reply may still come: the session cannot be trusted");
    }

    [Test, CancelAfter(10_000)]
    public async Task StartTlsRequiredButNotOfferedFailsWithoutSendingAnythingElse(CancellationToken ct)
    {
        var server = Script("C: EHLO client.test", "S: 250-mx.example.net", "S: 250 AUTH PLAIN");
        await using var client = NewClient();

        var error = Assert.ThrowsAsync<MailProtocolException>(() => client.ConnectAsync(server, "mx.example.net", SmtpSecurity.StartTls, cancellationToken: ct));

        Assert.That(error!.Message, Does.Contain("STARTTLS"));
        Assert.That(server.ClientText, Is.EqualTo("EHLO client.test\r\n"));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test, CancelAfter(10_000)]
    public async Task AuthLoginAnswersBothChallengesAndTheLogHidesTheCredentials(CancellationToken ct)
    {
        var server = Script(
            "C: EHLO client.test",
            "S: 250-mx.example.net",
            "S: 250 AUTH LOGIN",
            "C: AUTH LOGIN",
            "S: 334 VXNlcm5hbWU6",
            "C: " + Convert.ToBase64String("agent@example.net"u8),
            "S: 334 UGFzc3dvcmQ6",
            "C: " + Convert.ToBase64String("hunter2"u8),
            "S: 235 2.7.0 Authentication successful");
        var log = new List<string>();
        await using var client = NewClient();
        client.ProtocolLog = (direction, line) => log.Add($"{direction}: {line}");
        client.AllowAuthenticationWithoutTls = true;
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);

        await client.AuthenticateAsync(new SaslLogin("agent@example.net", "hunter2"), ct);

        Assert.That(client.IsAuthenticated, Is.True);
        Assert.That(server.Mismatch, Is.Null);
        var all = string.Join("\n", log);
        Assert.That(all, Does.Contain("Client: AUTH LOGIN").And.Contain("Server: 235 2.7.0 Authentication successful"));
        Assert.That(all, Does.Not.Contain("hunter2").And.Not.Contain(Convert.ToBase64String("hunter2"u8))
            .And.Not.Contain(Convert.ToBase64String("agent@example.net"u8)));
    }

    [Test, CancelAfter(10_000)]
    public async Task AuthPlainSendsAnInitialResponseThatTheLogRedacts(CancellationToken ct)
    {
        var initial = Convert.ToBase64String("\0agent@example.net\0hunter2"u8);
        var server = Script(
            "C: EHLO client.test",
            "S: 250-mx.example.net",
            "S: 250 AUTH PLAIN",
            "C: AUTH PLAIN " + initial,
            "S: 235 2.7.0 Authentication successful");
        var log = new List<string>();
        await using var client = NewClient();
        client.ProtocolLog = (direction, line) => log.Add(line);
        client.AllowAuthenticationWithoutTls = true;
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);

        await client.AuthenticateAsync(new SaslPlain("agent@example.net", "hunter2"), ct);

        Assert.That(server.Mismatch, Is.Null);
        Assert.That(log, Does.Contain("AUTH PLAIN ********"));
        Assert.That(string.Join("\n", log), Does.Not.Contain(initial));
    }

    [Test, CancelAfter(10_000)]
    public async Task XOAuth2ErrorChallengeIsAnsweredEmptyAndReportedWithTheServersJson(CancellationToken ct)
    {
        var json = """{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}""";
        var server = Script(
            "C: EHLO client.test",
            "S: 250-mx.example.net",
            "S: 250 AUTH XOAUTH2",
            "C: AUTH XOAUTH2 *",
            "S: 334 " + Convert.ToBase64String(Encoding.UTF8.GetBytes(json)),
            "C: ",
            "S: 535 5.7.8 Username and Password not accepted");
        await using var client = NewClient();
        client.AllowAuthenticationWithoutTls = true;
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);

        var error = Assert.ThrowsAsync<AuthenticationFailedException>(() =>
            client.AuthenticateAsync(new SaslXOAuth2("agent@example.net", "expired-token"), ct));

        Assert.That(error!.Mechanism, Is.EqualTo("XOAUTH2"));
        Assert.That(error.StatusCode, Is.EqualTo(535));
        Assert.That(error.IsTransient, Is.False);
        Assert.That(error.ServerText, Does.Contain("\"status\":\"401\""));
        Assert.That(client.IsAuthenticated, Is.False);
        Assert.That(client.IsConnected, Is.True);
        Assert.That(server.Mismatch, Is.Null);
    }

    [Test, CancelAfter(10_000)]
    public async Task PasswordMechanismsAreRefusedWithoutTlsUnlessAllowed(CancellationToken ct)
    {
        var server = Script("C: EHLO client.test", "S: 250-mx.example.net", "S: 250 AUTH PLAIN");
        await using var client = NewClient();
        await client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct);

        Assert.ThrowsAsync<InvalidOperationException>(() => client.AuthenticateAsync(new SaslPlain("a@example.net", "hunter2"), ct));

        Assert.That(server.ClientText, Does.Not.Contain("AUTH"));
    }

    [Test, CancelAfter(10_000)]
    public async Task AReplyThatIsNotSmtpIsAProtocolViolation(CancellationToken ct)
    {
        var server = new ScriptedServerStream("S: HTTP/1.1 400 Bad Request");
        await using var client = NewClient();

        Assert.ThrowsAsync<ProtocolViolationException>(() => client.ConnectAsync(server, "mx.example.net", SmtpSecurity.None, cancellationToken: ct));

        Assert.That(client.IsConnected, Is.False);
    }

    private static SmtpClient NewClient() => new() { LocalDomain = "client.test" };

    private static string[] PipeliningEhlo() =>
    [
        "C: EHLO client.test",
        "S: 250-mx.example.net",
        "S: 250-PIPELINING",
        "S: 250-SIZE 10240000",
        "S: 250-8BITMIME",
        "S: 250-SMTPUTF8",
        "S: 250 ENHANCEDSTATUSCODES",
    ];

    private static ScriptedServerStream Script(params object[] steps) =>
        new([.. Greeting, .. steps.SelectMany(s => s as string[] ?? [(string)s])]);

    private static MemoryStream Message(string text) => new(Encoding.UTF8.GetBytes(text));

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
