using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace TicketWorker.Configuration;

/// <summary>
/// Checks <see cref="TicketWorkerOptions"/> at start and throws one <see cref="ConfigException"/>
/// listing every problem as <c>file:line:col: message</c>: the framework's
/// <see cref="OptionsValidationException"/> would say neither where nor all at once in that form.
/// </summary>
public sealed partial class TicketWorkerOptionsValidator(ConfigFolder folder) : IValidateOptions<TicketWorkerOptions>
{
    private const string Section = AppSettingsLoader.Section;

    public ValidateOptionsResult Validate(string? name, TicketWorkerOptions options)
    {
        var errors = new List<ConfigError>();
        Validate(options, (key, message) => errors.Add(folder.ErrorAt(key, message)));
        if (errors.Count > 0) throw new ConfigException(errors);
        return ValidateOptionsResult.Success;
    }

    private void Validate(TicketWorkerOptions o, Action<string, string> error)
    {
        const string db = Section + ":Database";
        if (o.Database.Provider is not ("sqlite" or "postgres" or "sqlserver"))
            error(db + ":Provider", $"unknown database provider '{o.Database.Provider}' (use sqlite, postgres or sqlserver)");
        if (string.IsNullOrWhiteSpace(o.Database.ConnectionString))
            error(db + ":ConnectionString", "the database connection string is empty");
        if (o.Storage.MaxMessageSize <= 0)
            error(Section + ":Storage:MaxMessageSize", "MaxMessageSize must be a positive number of bytes");

        try { _ = new Threading.SubjectTag(o.Threading.SubjectTag); }
        catch (ArgumentException e) { error(Section + ":Threading:SubjectTag", e.Message); }
        if (o.Threading.FallbackWindow < TimeSpan.Zero) error(Section + ":Threading:FallbackWindow", "FallbackWindow must not be negative");
        if (o.Threading.ReopenWindow < TimeSpan.Zero) error(Section + ":Threading:ReopenWindow", "ReopenWindow must not be negative");

        const string outbox = Section + ":Outbox";
        if (o.Outbox.PollInterval <= TimeSpan.Zero) error(outbox + ":PollInterval", "PollInterval must be positive");
        if (o.Outbox.BatchSize < 1) error(outbox + ":BatchSize", "BatchSize must be at least 1");
        if (o.Outbox.MaxAttempts < 1) error(outbox + ":MaxAttempts", "MaxAttempts must be at least 1");
        if (o.Outbox.InitialRetryDelay <= TimeSpan.Zero) error(outbox + ":InitialRetryDelay", "InitialRetryDelay must be positive");
        if (o.Outbox.MaxRetryDelay < o.Outbox.InitialRetryDelay) error(outbox + ":MaxRetryDelay", "MaxRetryDelay must not be shorter than InitialRetryDelay");
        if (o.Outbox.ClaimDuration < TimeSpan.FromSeconds(10)) error(outbox + ":ClaimDuration", "ClaimDuration must be at least 00:00:10");
        if (o.Outbox.SmtpTimeout <= TimeSpan.Zero || o.Outbox.SmtpTimeout >= o.Outbox.ClaimDuration)
            error(outbox + ":SmtpTimeout", "SmtpTimeout must be positive and shorter than ClaimDuration");

        o.AgentVerification.Validate(Section + ":AgentVerification", error);

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < o.Mailboxes.Count; i++)
        {
            var m = o.Mailboxes[i];
            var key = $"{Section}:Mailboxes:{i}";
            if (string.IsNullOrWhiteSpace(m.Name)) error(key, "a mailbox needs a Name");
            else if (!names.Add(m.Name)) error(key + ":Name", $"mailbox name '{m.Name}' is used twice");
            if (!LooksLikeAddress(m.Address)) error(key + ":Address", $"mailbox '{m.Name}' needs an Address like support@example.com");
            if (m.PollInterval <= TimeSpan.Zero) error(key + ":PollInterval", "PollInterval must be positive");
            if (m.FirstStart is not ("Quiet" or "Import" or "Skip"))
                error(key + ":FirstStart", $"FirstStart '{m.FirstStart}' is not one of Quiet, Import, Skip");
            ValidateServer(m.Imap, key + ":Imap", error, requireHost: true);
        }
        if (o.Mailboxes.Count > 0 || !string.IsNullOrEmpty(o.Smtp.Host))
            ValidateServer(o.Smtp, Section + ":Smtp", error, requireHost: o.Mailboxes.Count > 0);
    }

    private void ValidateServer(ServerOptions s, string key, Action<string, string> error, bool requireHost)
    {
        var dir = folder.Directory;
        if (requireHost && string.IsNullOrWhiteSpace(s.Host)) error(key + ":Host", "Host is required");
        if (s.Port is < 0 or > 65535) error(key + ":Port", $"Port {s.Port} is not a TCP port");
        if (s.Security is not ("None" or "StartTls" or "SslOnConnect"))
            error(key + ":Security", $"Security '{s.Security}' is not one of None, StartTls, SslOnConnect");
        if (!string.IsNullOrEmpty(s.PasswordFile) && !File.Exists(Path.Combine(dir, s.PasswordFile)))
            error(key + ":PasswordFile", $"password file '{s.PasswordFile}' not found");
        if (!string.IsNullOrEmpty(s.AccessTokenFile) && !File.Exists(Path.Combine(dir, s.AccessTokenFile)))
            error(key + ":AccessTokenFile", $"access token file '{s.AccessTokenFile}' not found");
        if (!string.IsNullOrEmpty(s.TrustedCertificate) && !IsThumbprint(s.TrustedCertificate)
            && !File.Exists(Path.Combine(dir, s.TrustedCertificate)))
            error(key + ":TrustedCertificate", $"TrustedCertificate '{s.TrustedCertificate}' is neither a SHA-256 thumbprint nor an existing PEM file");
    }

    internal static bool IsThumbprint(string value) => ThumbprintPattern().IsMatch(value);

    private static bool LooksLikeAddress(string value) =>
        value.Length > 2 && value.IndexOf('@') is > 0 and var at && at < value.Length - 1 && !value.Contains(' ');

    [GeneratedRegex(@"^(?:[0-9A-Fa-f]{2}:?){32}$")]
    private static partial Regex ThumbprintPattern();
}
