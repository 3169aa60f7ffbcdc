using MailKit.Net.Imap;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TicketWorker.Intake;
using TicketWorker.Mail.Auth;
using TicketWorker.Outbox;
using TicketWorker.Storage;
using TicketWorker.Tests.Infrastructure;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Auth;

/// <summary>
/// OAuth2 sign-in against the real Dovecot and Postfix: tokens come from <see cref="LocalTokenEndpoint"/>
/// (MSAL's client credentials, Google's refresh token), Dovecot validates them, and the configured
/// passwords are wrong so only the token can log in.
/// </summary>
public class OAuth2SignInTests
{
    private const string MicrosoftClient = "6f1c3a52-8d0e-4b7a-9c21-3e5d7f9a0b14";
    private const string ClientSecret = "client-secret-7Q~do-not-log";
    private LocalTokenEndpoint _endpoint = null!;
    private TempDirectory _dir = null!;
    private FakeLogCollector _logs = null!;
    private string _folder = null!;

    [SetUp]
    public async Task SetUp()
    {
        _endpoint = new LocalTokenEndpoint();
        _endpoint.Clients[MicrosoftClient] = "support";
        _dir = new TempDirectory();
        _logs = new FakeLogCollector();
        _dir.Write("config/token-ca.pem", _endpoint.CertificatePem);
        _dir.Write("config/client-secret", ClientSecret + "\n");
        _dir.Write("config/support.refresh", "refresh-support\n");
        _dir.Write("config/sales.refresh", "refresh-sales\n");
        _dir.Write("config/rules.yaml", "agents:\n  - email: agent1@example.test\n    name: Agent One\n");
        _folder = "OAuth-" + Guid.NewGuid().ToString("N")[..10];
        foreach (var user in new[] { "support", "sales" })
        {
            using var mailbox = await TestMailbox.ConnectAsync(user);
            await mailbox.CreateFolderAsync(_folder);
        }
    }

    [TearDown]
    public async Task TearDown()
    {
        _endpoint.Dispose();
        _dir.Dispose();
        foreach (var user in new[] { "support", "sales" })
        {
            using var mailbox = await TestMailbox.ConnectAsync(user);
            await mailbox.DeleteFolderAsync(_folder);
        }
    }

    private string Microsoft() => $$"""
        { "Mode": "oauth2-microsoft", "TenantId": "contoso", "ClientId": "{{MicrosoftClient}}", "ClientSecretFile": "client-secret",
          "Authority": "{{_endpoint.BaseUrl}}/contoso", "TrustedCertificate": "token-ca.pem" }
        """;

    private string Google(string user, string path = "/google/token") => $$"""
        { "Mode": "oauth2-google", "ClientId": "google-client.apps.example", "ClientSecretFile": "client-secret",
          "RefreshTokenFile": "{{user}}.refresh", "TokenEndpoint": "{{_endpoint.BaseUrl}}{{path}}", "TrustedCertificate": "token-ca.pem" }
        """;

    private string Mailbox(string name, string auth) => $$"""
        { "Name": "{{name}}", "Address": "{{name}}@example.test", "Folder": "{{_folder}}", "PollInterval": "00:00:01",
          "Imap": { "Host": "{{MailStack.Host}}", "Port": {{MailStack.ImapPort}}, "Security": "StartTls", "Password": "wrong",
                    "TrustedCertificate": "{{MailStack.CertificatePath}}", "Auth": {{auth}} } }
        """;

    private async Task<TestApp> OpenAsync(string mailboxes, string? smtpAuth = null, TimeProvider? time = null)
    {
        var smtp = smtpAuth is null
            ? """{ "Host": "127.0.0.1", "Port": 10025, "Security": "None" }"""
            : $$"""
              { "Host": "{{MailStack.Host}}", "Port": {{MailStack.SubmissionPort}}, "Security": "StartTls", "Username": "support@example.test",
                "Password": "wrong", "TrustedCertificate": "{{MailStack.CertificatePath}}", "Auth": {{smtpAuth}} }
              """;
        _dir.Write("config/appsettings.json", $$"""
            { "TicketWorker": {
                "Database": { "Provider": "sqlite", "ConnectionString": "Data Source=../data/tw.db" },
                "Storage": { "RawMailPath": "../data/raw" },
                "Mailboxes": [ {{mailboxes}} ],
                "Smtp": {{smtp}} } }
            """);
        return await TestApp.OpenAsync(Path.Combine(_dir.Path, "config"), time,
            services => services.AddLogging(b => b.AddProvider(new FakeLoggerProvider(_logs)).SetMinimumLevel(LogLevel.Debug)));
    }

    private IReadOnlyList<FakeLogRecord> Errors(string category) =>
        _logs.GetSnapshot().Where(r => r.Level == LogLevel.Error && r.Category == category).ToList();

    [Test]
    public async Task MicrosoftClientCredentialsSignInToDovecotImapAndPostfixSubmission()
    {
        using var app = await OpenAsync(Mailbox("support", Microsoft()), smtpAuth: Microsoft());

        using (var imap = await ServerConnections.OpenImapAsync(app.Settings, app.Options.Mailboxes.Single(), CancellationToken.None))
            Assert.That(imap.IsAuthenticated, "IMAP login with the token from the client-credentials grant");
        using (var smtp = await app.Get<SmtpSessionFactory>().ConnectAsync())
            Assert.That(smtp.IsAuthenticated, "SMTP AUTH XOAUTH2 with the same token");

        var requests = _endpoint.TokenRequests.ToList();
        Assert.That(requests, Has.Count.EqualTo(1), "one token for both logins: cached, not fetched per login");
        var (path, form) = requests[0];
        Assert.That(path, Is.EqualTo("/contoso/oauth2/v2.0/token"));
        Assert.That(form["grant_type"], Is.EqualTo("client_credentials"));
        Assert.That(form["client_id"], Is.EqualTo(MicrosoftClient));
        Assert.That(form["client_secret"], Is.EqualTo(ClientSecret));
        Assert.That(form["scope"], Does.Contain("https://outlook.office365.com/.default"));
    }

    [Test]
    public async Task GoogleRefreshTokenSignInToDovecotImap()
    {
        using var app = await OpenAsync(Mailbox("support", Google("support")));

        using var imap = await ServerConnections.OpenImapAsync(app.Settings, app.Options.Mailboxes.Single(), CancellationToken.None);

        Assert.That(imap.IsAuthenticated);
        var (path, form) = _endpoint.TokenRequests.Single();
        Assert.That(path, Is.EqualTo("/google/token"));
        Assert.That(form["grant_type"], Is.EqualTo("refresh_token"));
        Assert.That(form["refresh_token"], Is.EqualTo("refresh-support"));
        Assert.That(form["client_id"], Is.EqualTo("google-client.apps.example"));
        Assert.That(form["client_secret"], Is.EqualTo(ClientSecret));
    }

    [TestCase("google")]
    [TestCase("microsoft")]
    public async Task ATokenIsReusedUntilShortlyBeforeItExpiresThenRefreshed(string provider)
    {
        var time = new FakeTime(DateTimeOffset.UtcNow);
        using var app = await OpenAsync(Mailbox("support", provider == "google" ? Google("support") : Microsoft()), time: time);
        var mailbox = app.Options.Mailboxes.Single();

        async Task LoginAsync()
        {
            using var imap = await ServerConnections.OpenImapAsync(app.Settings, mailbox, CancellationToken.None);
            Assert.That(imap.IsAuthenticated);
        }

        await LoginAsync();
        time.Advance(TimeSpan.FromMinutes(50));
        await LoginAsync();
        Assert.That(_endpoint.TokenRequests, Has.Count.EqualTo(1), "50 minutes into a 60-minute token: still the cached one");

        time.Advance(TimeSpan.FromMinutes(6));
        await LoginAsync();
        Assert.That(_endpoint.TokenRequests, Has.Count.EqualTo(2), "4 minutes before expiry (RefreshBefore 5 min): refreshed before use");
    }

    [Test]
    public async Task AFailingTokenEndpointIsReportedOnceAndTheOtherMailboxKeepsWorking()
    {
        using (var sales = await TestMailbox.ConnectAsync("sales"))
            await sales.AppendAsync(_folder, Mails.Customer("ann@example.org", "Sales question", "oauth-sales-1@example.org"));
        using var app = await OpenAsync(Mailbox("support", Google("support", "/fail/token")) + ",\n" + Mailbox("sales", Google("sales")));

        using var stop = new CancellationTokenSource();
        var loops = app.Options.Mailboxes.Select(m => app.Intake(m, "test-worker").RunAsync(stop.Token)).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        IReadOnlyList<TicketSummary> tickets = [];
        while (tickets.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            tickets = await app.Database.InReadAsync(tx => app.Tickets.ListTicketsAsync(tx, null, CancellationToken.None));
        }
        // Let support's loop retry a few times (its backoff starts at one second).
        await Task.Delay(TimeSpan.FromSeconds(4));
        // Read before stopping: a stopped loop clears its error.
        var checkpoint = await app.Database.InReadAsync(tx => app.MailboxState.GetCheckpointAsync(tx, "support", _folder, CancellationToken.None));
        stop.Cancel();
        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(tickets.Select(t => t.Ticket.Subject), Is.EqualTo(new[] { "Sales question" }), "sales signs in and is ticketed");
        Assert.That(checkpoint?.LastError, Does.Contain("revoked"), "support's status says why");
        Assert.That(_endpoint.Requests("/fail"), Is.EqualTo(1), "support backs off: the refused refresh is not hammered");
        var errors = Errors(typeof(OAuth2Tokens).FullName!);
        Assert.That(errors, Has.Count.EqualTo(1), "reported once");
        Assert.That(errors[0].Message, Does.Contain("IMAP support@example.test").And.Contain("create a new refresh token"));
        var all = string.Join("\n", _logs.GetSnapshot().Select(r => r.Message));
        Assert.That(all, Does.Not.Contain(ClientSecret).And.Not.Contain("refresh-support").And.Not.Contain("refresh-sales"));
    }

    [Test]
    public async Task AWrongClientSecretSaysWhatToFix()
    {
        _endpoint.Respond = (_, _) => (System.Net.HttpStatusCode.Unauthorized,
            """{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}""");
        using var app = await OpenAsync(Mailbox("support", Microsoft()));

        var e = Assert.ThrowsAsync<OAuth2TokenException>(() => ServerConnections.OpenImapAsync(app.Settings, app.Options.Mailboxes.Single(), CancellationToken.None));

        Assert.That(e!.Message, Does.Contain("client secret").And.Contain("Certificates & secrets"));
        Assert.That(e.Message, Does.Not.Contain(ClientSecret));
        Assert.That(e, Is.InstanceOf<MailKit.Security.AuthenticationException>(), "intake and outbox treat it as a refused login");
    }
}
