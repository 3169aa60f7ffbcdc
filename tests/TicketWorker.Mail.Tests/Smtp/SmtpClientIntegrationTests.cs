using System.Text;
using TicketWorker.Mail.Protocol;
using TicketWorker.Mail.Security;
using TicketWorker.Mail.Smtp;
using TicketWorker.Mail.Tests.Infrastructure;

namespace TicketWorker.Mail.Tests.Smtp;

/// <summary>The SMTP client against the local Postfix + Dovecot (install/mailstack.sh).</summary>
public class SmtpClientIntegrationTests
{
    private static readonly TimeSpan DeliveryWait = TimeSpan.FromSeconds(10);

    [Test, CancelAfter(30_000)]
    public async Task SubmissionWithStartTlsAndPlainDeliversIntoTheCustomersInboxByteForByte(CancellationToken ct)
    {
        var attachment = new byte[3000];
        new Random(42).NextBytes(attachment);
        var base64 = string.Join("\r\n", Convert.ToBase64String(attachment).Chunk(76).Select(c => new string(c)));
        var body =
            "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nHallo Jürgen,\r\n.\r\nGruß\r\n"
            + "--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"data.bin\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + base64 + "\r\n--b1--\r\n";
        var (messageId, message) = NewMessage("agent1", "customer1", "Grüße aus dem Test — STARTTLS", body, "multipart/mixed; boundary=\"b1\"");
        await using var client = new SmtpClient();
        await client.ConnectAsync(MailStack.Host, MailStack.SubmissionPort, SmtpSecurity.StartTls, MailStack.TrustedTls, ct);
        await client.AuthenticateAsync(new SaslPlain(MailStack.Address("agent1"), MailStack.Password), ct);

        var result = await client.SendAsync(new SmtpEnvelope(MailStack.Address("agent1"), MailStack.Address("customer1")), new MemoryStream(message), ct);
        await client.QuitAsync(ct);

        Assert.That(result.Accepted.Select(r => r.Address), Is.EqualTo(new[] { MailStack.Address("customer1") }));
        Assert.That(result.QueueId, Is.Not.Null.And.Not.Empty);
        var delivered = await RawImapReader.WaitForMessageAsync("customer1", messageId, DeliveryWait, ct);
        Assert.That(delivered, Is.Not.Null, "the message did not arrive in customer1's INBOX");
        // Headers added in transit (Return-Path, Received, Delivered-To) come first; the message
        // follows unchanged: non-ASCII subject, the dot line and the attachment's bytes.
        Assert.That(delivered!.AsSpan().EndsWith(message), Is.True);
        var text = Encoding.UTF8.GetString(delivered!);
        Assert.That(text, Does.Contain("\r\nSubject: Grüße aus dem Test — STARTTLS\r\n"));
        var sentBase64 = text[(text.IndexOf("base64\r\n\r\n", StringComparison.Ordinal) + 10)..text.IndexOf("\r\n--b1--", StringComparison.Ordinal)];
        Assert.That(Convert.FromBase64String(sentBase64.Replace("\r\n", "")), Is.EqualTo(attachment));
    }

    [Test, CancelAfter(30_000)]
    public async Task SmtpsWithLoginDeliversAMessageWithDotLinesIntact(CancellationToken ct)
    {
        var (messageId, message) = NewMessage("agent2", "customer2", "SMTPS LOGIN", body: ".a line starting with a dot\r\n.\r\n..\r\nend\r\n");
        await using var client = new SmtpClient();
        await client.ConnectAsync(MailStack.Host, MailStack.SmtpsPort, SmtpSecurity.SslOnConnect, MailStack.TrustedTls, ct);
        await client.AuthenticateAsync(new SaslLogin(MailStack.Address("agent2"), MailStack.Password), ct);

        await client.SendAsync(new SmtpEnvelope(MailStack.Address("agent2"), MailStack.Address("customer2")), new MemoryStream(message), ct);

        Assert.That(client.IsSecure, Is.True);
        var delivered = await RawImapReader.WaitForMessageAsync("customer2", messageId, DeliveryWait, ct);
        Assert.That(delivered, Is.Not.Null);
        Assert.That(Encoding.UTF8.GetString(delivered!), Does.EndWith("\r\n\r\n.a line starting with a dot\r\n.\r\n..\r\nend\r\n"));
    }

    [Test, CancelAfter(30_000)]
    public async Task XOAuth2WithALocallySignedTokenAuthenticates(CancellationToken ct)
    {
        var (messageId, message) = NewMessage("lead", "customer3", "XOAUTH2");
        await using var client = new SmtpClient();
        await client.ConnectAsync(MailStack.Host, MailStack.SmtpsPort, SmtpSecurity.SslOnConnect, MailStack.TrustedTls, ct);

        await client.AuthenticateAsync(new SaslXOAuth2(MailStack.Address("lead"), MailStack.CreateAccessToken("lead")), ct);
        await client.SendAsync(new SmtpEnvelope(MailStack.Address("lead"), MailStack.Address("customer3")), new MemoryStream(message), ct);

        Assert.That(client.IsAuthenticated, Is.True);
        Assert.That(await RawImapReader.WaitForMessageAsync("customer3", messageId, DeliveryWait, ct), Is.Not.Null);
    }

    [Test, CancelAfter(30_000)]
    public async Task OAuthBearerWithALocallySignedTokenAuthenticatesOnSubmission(CancellationToken ct)
    {
        await using var client = new SmtpClient();
        await client.ConnectAsync(MailStack.Host, MailStack.SubmissionPort, SmtpSecurity.StartTls, MailStack.TrustedTls, ct);

        await client.AuthenticateAsync(new SaslOAuthBearer(MailStack.Address("agent1"), MailStack.CreateAccessToken("agent1")), ct);

        Assert.That(client.IsAuthenticated, Is.True);
    }

    [Test, CancelAfter(30_000)]
    public async Task ATokenForAnotherUserIsRefused(CancellationToken ct)
    {
        await using var client = new SmtpClient();
        await client.ConnectAsync(MailStack.Host, MailStack.SmtpsPort, SmtpSecurity.SslOnConnect, MailStack.TrustedTls, ct);

        Assert.ThrowsAsync<AuthenticationFailedException>(() =>
            client.AuthenticateAsync(new SaslXOAuth2(MailStack.Address("agent1"), MailStack.CreateAccessToken("agent2")), ct));
    }

    [Test, CancelAfter(30_000)]
    public async Task ConnectingToAClosedPortIsConnectionLost(CancellationToken ct)
    {
        await using var client = new SmtpClient();

        var error = Assert.ThrowsAsync<ConnectionLostException>(() => client.ConnectAsync(MailStack.Host, 1, SmtpSecurity.None, cancellationToken: ct));

        Assert.That(error!.Message, Does.Contain(":1"));
    }

    [Test, CancelAfter(30_000)]
    public async Task XOAuth2WithAnExpiredTokenFailsClearly(CancellationToken ct)
    {
        await using var client = new SmtpClient();
        await client.ConnectAsync(MailStack.Host, MailStack.SmtpsPort, SmtpSecurity.SslOnConnect, MailStack.TrustedTls, ct);

        var error = Assert.ThrowsAsync<AuthenticationFailedException>(() =>
            client.AuthenticateAsync(new SaslXOAuth2(MailStack.Address("lead"), MailStack.CreateAccessToken("lead", TimeSpan.FromMinutes(-5))), ct));

        Assert.That(error!.Mechanism, Is.EqualTo("XOAUTH2"));
        Assert.That(error.IsTransient, Is.False);
        Assert.That(client.IsAuthenticated, Is.False);
    }

    [Test, CancelAfter(30_000)]
    public async Task WrongPasswordIsAClearPermanentAuthenticationFailure(CancellationToken ct)
    {
        await using var client = new SmtpClient();
        await client.ConnectAsync(MailStack.Host, MailStack.SubmissionPort, SmtpSecurity.StartTls, MailStack.TrustedTls, ct);

        var error = Assert.ThrowsAsync<AuthenticationFailedException>(() =>
            client.AuthenticateAsync(new SaslPlain(MailStack.Address("agent1"), "not-the-password"), ct));

        Assert.That(error!.StatusCode, Is.EqualTo(535));
        Assert.That(error.EnhancedStatusCode, Is.EqualTo("5.7.8"));
        Assert.That(error.IsTransient, Is.False);
        Assert.That(error.Message, Does.Contain("PLAIN").And.Not.Contain("not-the-password"));
        Assert.That(client.IsConnected, Is.True, "a refused AUTH leaves the session usable");
    }

    [TestCase(SmtpSecurity.SslOnConnect)]
    [TestCase(SmtpSecurity.StartTls)]
    [CancelAfter(30_000)]
    public async Task TheSelfSignedCertificateIsRefusedWithoutExplicitTrust(SmtpSecurity security, CancellationToken ct)
    {
        var port = security == SmtpSecurity.SslOnConnect ? MailStack.SmtpsPort : MailStack.SubmissionPort;
        await using var client = new SmtpClient();

        var error = Assert.ThrowsAsync<TlsCertificateException>(() => client.ConnectAsync(MailStack.Host, port, security, TlsOptions.Default, ct));

        Assert.That(error!.PolicyErrors, Is.EqualTo(System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.That(error.Sha256Thumbprint, Is.EqualTo(StackThumbprint()));
        Assert.That(error.Message, Does.Contain(StackThumbprint()));
        Assert.That(client.IsConnected, Is.False);
    }

    [Test, CancelAfter(30_000)]
    public async Task TheSelfSignedCertificateIsAcceptedWhenTrustedByThumbprint(CancellationToken ct)
    {
        await using var client = new SmtpClient();

        await client.ConnectAsync(MailStack.Host, MailStack.SmtpsPort, SmtpSecurity.SslOnConnect, TlsOptions.TrustingThumbprint(StackThumbprint()), ct);

        Assert.That(client.IsSecure, Is.True);
        Assert.That(client.AuthenticationMechanisms, Does.Contain("PLAIN").And.Contain("XOAUTH2"));
    }

    [Test, CancelAfter(30_000)]
    public async Task TrustingTheCertificateFileStillChecksTheHostName(CancellationToken ct)
    {
        await using var client = new SmtpClient();
        var tls = MailStack.TrustedTls with { ServerName = "mail.example.org" };

        var error = Assert.ThrowsAsync<TlsCertificateException>(() => client.ConnectAsync(MailStack.Host, MailStack.SmtpsPort, SmtpSecurity.SslOnConnect, tls, ct));

        Assert.That(error!.PolicyErrors.HasFlag(System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch), Is.True);
    }

    [Test, CancelAfter(30_000)]
    public async Task OneUnknownRecipientIsRejectedWhileTheOthersGetTheMessage(CancellationToken ct)
    {
        var (messageId, message) = NewMessage("support", "customer4", "partly rejected");
        await using var client = new SmtpClient();
        await client.ConnectAsync(MailStack.Host, MailStack.SmtpPort, SmtpSecurity.None, cancellationToken: ct);

        var result = await client.SendAsync(
            new SmtpEnvelope(MailStack.Address("support"), MailStack.Address("customer4"), MailStack.Address("nobody"), MailStack.Address("customer5")),
            new MemoryStream(message),
            ct);

        Assert.That(client.Capabilities.HasFlag(SmtpCapabilities.Pipelining), Is.True);
        Assert.That(result.Accepted.Select(r => r.Address), Is.EqualTo(new[] { MailStack.Address("customer4"), MailStack.Address("customer5") }));
        var rejected = result.Rejected.Single();
        Assert.That(rejected.Address, Is.EqualTo(MailStack.Address("nobody")));
        Assert.That(rejected.Reply.Code, Is.EqualTo(550));
        Assert.That(rejected.Reply.EnhancedStatusCode, Is.EqualTo("5.1.1"));
        Assert.That(await RawImapReader.WaitForMessageAsync("customer5", messageId, DeliveryWait, ct), Is.Not.Null);
    }

    [Test, CancelAfter(30_000)]
    public async Task RelayToAForeignDomainIsRefusedPermanently(CancellationToken ct)
    {
        var (_, message) = NewMessage("support", "customer1", "relay attempt");
        await using var client = new SmtpClient();
        await client.ConnectAsync(MailStack.Host, MailStack.SubmissionPort, SmtpSecurity.StartTls, MailStack.TrustedTls, ct);
        await client.AuthenticateAsync(new SaslPlain(MailStack.Address("support"), MailStack.Password), ct);

        var error = Assert.ThrowsAsync<SmtpRecipientsRejectedException>(() =>
            client.SendAsync(new SmtpEnvelope(MailStack.Address("support"), "someone@example.com"), new MemoryStream(message), ct));

        Assert.That(error!.IsTransient, Is.False);
        Assert.That(error.StatusCode, Is.EqualTo(554));
        Assert.That(error.EnhancedStatusCode, Is.EqualTo("5.7.1"));
        Assert.That(error.ServerText, Does.Contain("Relay access denied"));
    }

    [Test, CancelAfter(30_000)]
    public async Task ABatchOfMessagesReusesOneConnection(CancellationToken ct)
    {
        await using var client = new SmtpClient();
        await client.ConnectAsync(MailStack.Host, MailStack.SmtpPort, SmtpSecurity.None, cancellationToken: ct);
        var ids = new List<string>();
        var queueIds = new List<string?>();

        for (var i = 0; i < 3; i++)
        {
            var (messageId, message) = NewMessage("support", "customer6", $"batch {i}");
            ids.Add(messageId);
            var result = await client.SendAsync(new SmtpEnvelope(MailStack.Address("support"), MailStack.Address("customer6")), new MemoryStream(message), ct);
            queueIds.Add(result.QueueId);
        }

        await client.QuitAsync(ct);

        Assert.That(queueIds, Is.Unique.And.All.Not.Null);
        foreach (var id in ids)
        {
            Assert.That(await RawImapReader.WaitForMessageAsync("customer6", id, DeliveryWait, ct), Is.Not.Null, id);
        }
    }

    [Test, CancelAfter(30_000)]
    public async Task SubaddressedMailLandsInTheBaseUsersInbox(CancellationToken ct)
    {
        var (messageId, message) = NewMessage("customer7", "support", "plus address");
        await using var client = new SmtpClient();
        await client.ConnectAsync(MailStack.Host, MailStack.SmtpPort, SmtpSecurity.None, cancellationToken: ct);

        await client.SendAsync(new SmtpEnvelope(MailStack.Address("customer7"), "support+t0k3n@example.test"), new MemoryStream(message), ct);

        Assert.That(await RawImapReader.WaitForMessageAsync("support", messageId, DeliveryWait, ct), Is.Not.Null);
    }

    [Test, CancelAfter(60_000)]
    public async Task AMessageOverTheServersSizeLimitIsRefusedBeforeSending(CancellationToken ct)
    {
        await using var client = new SmtpClient();
        await client.ConnectAsync(MailStack.Host, MailStack.SmtpPort, SmtpSecurity.None, cancellationToken: ct);
        Assert.That(client.MaxMessageSize, Is.GreaterThan(0));
        var tooBig = new MemoryStream(new byte[client.MaxMessageSize + 1]);

        var error = Assert.ThrowsAsync<MailCommandException>(() =>
            client.SendAsync(new SmtpEnvelope(MailStack.Address("support"), MailStack.Address("customer8")), tooBig, ct));

        Assert.That(error!.IsTransient, Is.False);
        Assert.That(error.EnhancedStatusCode, Is.EqualTo("5.3.4"));
        await client.NoOpAsync(ct); // the session is still fine
    }

    [Test, CancelAfter(30_000)]
    public async Task ThePlainDeliveryPortOffersNeitherTlsNorAuth(CancellationToken ct)
    {
        await using var client = new SmtpClient();
        await client.ConnectAsync(MailStack.Host, MailStack.SmtpPort, SmtpSecurity.None, cancellationToken: ct);

        Assert.That(client.Capabilities.HasFlag(SmtpCapabilities.StartTls), Is.False);
        Assert.That(client.Capabilities.HasFlag(SmtpCapabilities.Authentication), Is.False);
        Assert.That(client.Capabilities.HasFlag(SmtpCapabilities.EightBitMime | SmtpCapabilities.SmtpUtf8 | SmtpCapabilities.EnhancedStatusCodes), Is.True);
    }

    private static string StackThumbprint() =>
        CertificateTrust.Sha256Thumbprint(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(MailStack.CertificatePath));

    private static (string MessageId, byte[] Bytes) NewMessage(
        string from, string to, string subject, string body = "Hello from the SMTP tests.\r\n", string contentType = "text/plain; charset=utf-8")
    {
        var messageId = $"<{Guid.NewGuid():N}@tests.example.test>";
        var text =
            $"From: {MailStack.Address(from)}\r\n"
            + $"To: {MailStack.Address(to)}\r\n"
            + $"Subject: {subject}\r\n"
            + $"Message-ID: {messageId}\r\n"
            + "Date: Mon, 23 Nov 2026 08:00:00 +0000\r\n"
            + "MIME-Version: 1.0\r\n"
            + $"Content-Type: {contentType}\r\n"
            + (contentType.StartsWith("text/", StringComparison.Ordinal) ? "Content-Transfer-Encoding: 8bit\r\n" : "")
            + "\r\n"
            + body;
        return (messageId, Encoding.UTF8.GetBytes(text));
    }
}
