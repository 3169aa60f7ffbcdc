using TicketWorker.Outbox;

namespace TicketWorker.Configuration;

/// <summary>The <c>TicketWorker</c> section of appsettings.json (every key overridable by environment).</summary>
public sealed class TicketWorkerOptions
{
    public DatabaseOptions Database { get; set; } = new();
    public StorageSettings Storage { get; set; } = new();
    public List<MailboxOptions> Mailboxes { get; set; } = [];
    public SmtpOptions Smtp { get; set; } = new();
    public ThreadingOptions Threading { get; set; } = new();
    /// <summary>The outbox sender: poll interval, batch size, retries (defaults documented on <see cref="OutboxOptions"/>).</summary>
    public OutboxOptions Outbox { get; set; } = new();
    /// <summary>Folder of reply templates, relative to the config folder.</summary>
    public string TemplatesPath { get; set; } = "../templates";
    /// <summary>Language of replies when the customer's cannot be told and no template exists for it.</summary>
    public string DefaultLanguage { get; set; } = "en";
    /// <summary>The rules file, relative to the config folder.</summary>
    public string RulesPath { get; set; } = "rules.yaml";
    /// <summary>How a message claiming an agent's address is verified (token, dkim, authresults, arc).</summary>
    public Agents.Verification.AgentVerificationOptions AgentVerification { get; set; } = new();
    /// <summary>Console log format (<c>simple</c>, <c>json</c>, <c>systemd</c>).</summary>
    public Observability.LoggingOptions Logging { get; set; } = new();
    /// <summary>Metrics export (OTLP endpoint, intervals).</summary>
    public Observability.TelemetryOptions Telemetry { get; set; } = new();
}

public sealed class DatabaseOptions
{
    /// <summary><c>sqlite</c> (default), <c>postgres</c> or <c>sqlserver</c>.</summary>
    public string Provider { get; set; } = "sqlite";
    /// <summary>For SQLite, a relative <c>Data Source</c> is resolved against the config folder.</summary>
    public string ConnectionString { get; set; } = "Data Source=../data/ticketworker.db";
}

public sealed class StorageSettings
{
    /// <summary>Content-addressed folder of raw messages, relative to the config folder.</summary>
    public string RawMailPath { get; set; } = "../data/raw";
    /// <summary>Keep raw messages in the database instead of the folder.</summary>
    public bool StoreRawInDatabase { get; set; }
    /// <summary>Larger messages are quarantined (raw bytes kept) instead of parsed.</summary>
    public long MaxMessageSize { get; set; } = 50L * 1024 * 1024;
}

public sealed class ThreadingOptions
{
    /// <summary>Subject tag format; <c>{number}</c> is the ticket number.</summary>
    public string SubjectTag { get; set; } = "[#{number}]";
    /// <summary>Same sender + same subject joins an open ticket with activity within this window.</summary>
    public TimeSpan FallbackWindow { get; set; } = TimeSpan.FromDays(7);
    /// <summary>A follow-up reopens a closed ticket within this window, later it opens a linked new ticket.</summary>
    public TimeSpan ReopenWindow { get; set; } = TimeSpan.FromDays(30);
}

public sealed class MailboxOptions
{
    public string Name { get; set; } = "";
    public string Address { get; set; } = "";
    public string Folder { get; set; } = "INBOX";
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Keyword set on ticketed messages when the server allows keywords.</summary>
    public string? ProcessedKeyword { get; set; } = "$Ticketed";
    /// <summary>When set, ticketed messages are moved here instead of marked.</summary>
    public string? MoveToFolder { get; set; }
    public string? SentFolder { get; set; }
    /// <summary>What to do with mail already in the folder at the first start: <c>Quiet</c> (ticket it without automatic replies), <c>Import</c> (ticket and answer it), <c>Skip</c> (leave it).</summary>
    public string FirstStart { get; set; } = "Quiet";
    public ServerOptions Imap { get; set; } = new();
    /// <summary>Sender address for mail from this mailbox; defaults to <see cref="Address"/>.</summary>
    public string? SmtpFrom { get; set; }
}

/// <summary>A server connection (IMAP or SMTP).</summary>
public class ServerOptions
{
    public string Host { get; set; } = "";
    public int Port { get; set; }
    /// <summary><c>None</c>, <c>StartTls</c> or <c>SslOnConnect</c>.</summary>
    public string Security { get; set; } = "SslOnConnect";
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>A file holding the password (first line); wins over <see cref="Password"/>.</summary>
    public string? PasswordFile { get; set; }
    /// <summary>
    /// OAuth2 (Microsoft 365, Google): a file holding a current access token, kept fresh by the
    /// admin's token helper; when set, the worker authenticates with XOAUTH2 instead of a password.
    /// </summary>
    public string? AccessTokenFile { get; set; }
    /// <summary>OAuth2 sign-in done by the worker itself (Microsoft 365 client credentials, Google refresh token); see <see cref="AuthOptions"/>.</summary>
    public AuthOptions Auth { get; set; } = new();
    /// <summary>Trust this one certificate: a PEM file path or a SHA-256 thumbprint.</summary>
    public string? TrustedCertificate { get; set; }
    /// <summary>
    /// A file (relative to the config folder) that receives the protocol conversation with this
    /// server, for troubleshooting; passwords and tokens are redacted. Off when empty.
    /// </summary>
    public string? ProtocolLog { get; set; }
}

public sealed class SmtpOptions : ServerOptions
{
    public SmtpOptions() { Port = 587; Security = "StartTls"; }
}
