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
        if (o.Logging.Format is { Length: > 0 } format && !Observability.LogFormatting.Formats.Contains(format, StringComparer.OrdinalIgnoreCase))
            error(Section + ":Logging:Format", $"Logging Format '{format}' is not one of {string.Join(", ", Observability.LogFormatting.Formats)}");
        if (o.Telemetry.OtlpEndpoint is { Length: > 0 } otlp && Observability.ObservabilityServiceCollectionExtensions.OtlpMetricsUri(otlp) is not { Scheme: "http" or "https" })
            error(Section + ":Telemetry:OtlpEndpoint", $"OtlpEndpoint '{otlp}' is not an http:// or https:// URL");
        if (o.Telemetry.ExportInterval <= TimeSpan.Zero) error(Section + ":Telemetry:ExportInterval", "ExportInterval must be positive");
        if (o.Telemetry.SampleInterval <= TimeSpan.Zero) error(Section + ":Telemetry:SampleInterval", "SampleInterval must be positive");

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
        if (o.Smtp.Auth.IsOAuth2 && string.IsNullOrWhiteSpace(o.Smtp.Username))
            error(Section + ":Smtp:Username", "Smtp:Username (the address to send as) is required with OAuth2");
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
        ValidateAuth(s.Auth, key + ":Auth", error);
    }

    private void ValidateAuth(AuthOptions a, string key, Action<string, string> error)
    {
        if (string.IsNullOrEmpty(a.Mode)) return;
        var dir = folder.Directory;
        void File(string? path, string name, bool required)
        {
            if (string.IsNullOrEmpty(path)) { if (required) error(key + ":" + name, $"{name} is required with Mode {a.Mode}"); }
            else if (!System.IO.File.Exists(Path.Combine(dir, path))) error(key + ":" + name, $"{name} '{path}' not found");
        }
        void Url(string? value, string name)
        {
            if (string.IsNullOrEmpty(value)) return;
            // Tokens and secrets travel over this: HTTPS, or plain HTTP to this machine only.
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
                error(key + ":" + name, $"{name} '{value}' is not an https:// URL");
        }
        if (string.IsNullOrWhiteSpace(a.ClientId)) error(key + ":ClientId", $"ClientId is required with Mode {a.Mode}");
        if (a.RefreshBefore < TimeSpan.Zero) error(key + ":RefreshBefore", "RefreshBefore must not be negative");
        if (!string.IsNullOrEmpty(a.TrustedCertificate) && !IsThumbprint(a.TrustedCertificate) && !System.IO.File.Exists(Path.Combine(dir, a.TrustedCertificate)))
            error(key + ":TrustedCertificate", $"TrustedCertificate '{a.TrustedCertificate}' is neither a SHA-256 thumbprint nor an existing PEM file");
        switch (a.Mode)
        {
            case AuthOptions.MicrosoftMode:
                if (string.IsNullOrWhiteSpace(a.TenantId) && string.IsNullOrEmpty(a.Authority)) error(key + ":TenantId", "TenantId is required with Mode oauth2-microsoft");
                if (string.IsNullOrEmpty(a.ClientSecretFile) == string.IsNullOrEmpty(a.CertificateFile))
                    error(key + ":ClientSecretFile", "set exactly one of ClientSecretFile and CertificateFile with Mode oauth2-microsoft");
                File(a.ClientSecretFile, nameof(a.ClientSecretFile), required: false);
                File(a.CertificateFile, nameof(a.CertificateFile), required: false);
                if (!string.IsNullOrEmpty(a.Authority) && !(Uri.TryCreate(a.Authority, UriKind.Absolute, out var authority) && authority.Scheme == Uri.UriSchemeHttps))
                    error(key + ":Authority", $"Authority '{a.Authority}' is not an https:// URL");
                break;
            case AuthOptions.GoogleMode:
                File(a.ClientSecretFile, nameof(a.ClientSecretFile), required: true);
                File(a.RefreshTokenFile, nameof(a.RefreshTokenFile), required: true);
                Url(a.TokenEndpoint, nameof(a.TokenEndpoint));
                break;
            default:
                error(key + ":Mode", $"Auth Mode '{a.Mode}' is not one of oauth2-microsoft, oauth2-google (or empty for the password)");
                break;
        }
    }

    internal static bool IsThumbprint(string value) => ThumbprintPattern().IsMatch(value);

    private static bool LooksLikeAddress(string value) =>
        value.Length > 2 && value.IndexOf('@') is > 0 and var at && at < value.Length - 1 && !value.Contains(' ');

    [GeneratedRegex(@"^(?:[0-9A-Fa-f]{2}:?){32}$")]
    private static partial Regex ThumbprintPattern();
}
