using TicketWorker.Cli;

namespace TicketWorker.Tests.Auth;

/// <summary>OAuth2, logging and telemetry settings are checked at start like every other key: file:line:col, all at once, exit 1.</summary>
public class AuthSettingsTests
{
    [Test]
    public async Task IncompleteOAuth2AndBadTelemetrySettingsAreListedWithTheirPositions()
    {
        using var dir = new TempDirectory();
        dir.Write("rules.yaml", "agents:\n  - email: agent1@example.test\n    name: Agent One\n");
        dir.Write("appsettings.json", """
            { "TicketWorker": {
                "Mailboxes": [ { "Name": "support", "Address": "support@contoso.com",
                  "Imap": { "Host": "outlook.office365.com",
                    "Auth": { "Mode": "oauth2-microsoft", "ClientId": "c", "ClientSecretFile": "missing-secret" } } },
                  { "Name": "gmail", "Address": "support@example.com",
                  "Imap": { "Host": "imap.gmail.com",
                    "Auth": { "Mode": "oauth2-gogle", "ClientId": "c" } } } ],
                "Smtp": { "Host": "smtp.office365.com", "Auth": { "Mode": "oauth2-google", "ClientId": "c", "ClientSecretFile": "missing-secret", "TokenEndpoint": "http://example.com/token" } },
                "Logging": { "Format": "xml" },
                "Telemetry": { "OtlpEndpoint": "collector:4318" } } }
            """);
        var output = new StringWriter();
        var errors = new StringWriter();

        var code = await CliApp.RunAsync(["status", "--config", dir.Path], output, errors);

        var text = errors.ToString();
        Assert.That(code, Is.EqualTo(CliApp.UserError));
        Assert.That(text, Does.Contain("appsettings.json:4:").And.Contain("TenantId is required with Mode oauth2-microsoft"));
        Assert.That(text, Does.Contain("ClientSecretFile 'missing-secret' not found"));
        Assert.That(text, Does.Contain("appsettings.json:7:").And.Contain("Auth Mode 'oauth2-gogle' is not one of oauth2-microsoft, oauth2-google"));
        Assert.That(text, Does.Contain("RefreshTokenFile is required with Mode oauth2-google"));
        Assert.That(text, Does.Contain("TokenEndpoint 'http://example.com/token' is not an https:// URL"));
        Assert.That(text, Does.Contain("Smtp:Username (the address to send as) is required with OAuth2"));
        Assert.That(text, Does.Contain("Logging Format 'xml' is not one of simple, json, systemd"));
        Assert.That(text, Does.Contain("OtlpEndpoint 'collector:4318' is not an http:// or https:// URL"));
        Assert.That(text, Does.Not.Contain("   at "), "no stack trace");
    }
}
