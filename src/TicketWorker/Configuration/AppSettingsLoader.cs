using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace TicketWorker.Configuration;

/// <summary>
/// Loads <c>appsettings.json</c> from the config folder plus <c>TicketWorker__…</c> environment
/// overrides, binds <see cref="TicketWorkerOptions"/> and validates it, listing every problem with
/// its <c>file:line:col</c>.
/// </summary>
public static partial class AppSettingsLoader
{
    public const string FileName = "appsettings.json";
    public const string Section = "TicketWorker";

    /// <summary>Loads and validates; throws <see cref="ConfigException"/> listing every error.</summary>
    public static LoadedSettings Load(string configDirectory)
    {
        var dir = Path.GetFullPath(configDirectory);
        var file = Path.Combine(dir, FileName);
        var display = DisplayPath(file);
        if (!Directory.Exists(dir))
            throw new ConfigException(new ConfigError(configDirectory, 0, 0, "config folder not found (use --config DIR or TICKETWORKER_CONFIG)"));

        var locations = File.Exists(file) ? JsonLocations.Read(display, File.ReadAllBytes(file)) : new JsonLocations();
        IConfiguration configuration;
        try
        {
            configuration = new ConfigurationBuilder()
                .AddJsonFile(file, optional: true, reloadOnChange: false)
                .AddEnvironmentVariables()
                .Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            throw new ConfigException(new ConfigError(display, 0, 0, e.Message));
        }

        var errors = new List<ConfigError>();
        var options = new TicketWorkerOptions();
        try
        {
            configuration.GetSection(Section).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            var key = BindingKey().Match(e.Message) is { Success: true } m ? m.Groups[1].Value : Section;
            var (line, col) = locations.Find(key);
            var value = configuration[key];
            errors.Add(new ConfigError(display, line, col, $"{key}: cannot use '{value}' here ({TypeHint(e.Message)})"));
            throw new ConfigException(errors);
        }

        Validate(options, dir, display, locations, errors);
        if (errors.Count > 0) throw new ConfigException(errors);
        return new LoadedSettings(dir, options, configuration);
    }

    private static void Validate(TicketWorkerOptions o, string dir, string file, JsonLocations at, List<ConfigError> errors)
    {
        void Error(string key, string message)
        {
            var (line, col) = at.Find(key);
            errors.Add(new ConfigError(file, line, col, message));
        }

        const string db = Section + ":Database";
        if (o.Database.Provider is not ("sqlite" or "postgres" or "sqlserver"))
            Error(db + ":Provider", $"unknown database provider '{o.Database.Provider}' (use sqlite, postgres or sqlserver)");
        if (string.IsNullOrWhiteSpace(o.Database.ConnectionString))
            Error(db + ":ConnectionString", "the database connection string is empty");
        if (o.Storage.MaxMessageSize <= 0)
            Error(Section + ":Storage:MaxMessageSize", "MaxMessageSize must be a positive number of bytes");

        try { _ = new Threading.SubjectTag(o.Threading.SubjectTag); }
        catch (ArgumentException e) { Error(Section + ":Threading:SubjectTag", e.Message); }
        if (o.Threading.FallbackWindow < TimeSpan.Zero) Error(Section + ":Threading:FallbackWindow", "FallbackWindow must not be negative");
        if (o.Threading.ReopenWindow < TimeSpan.Zero) Error(Section + ":Threading:ReopenWindow", "ReopenWindow must not be negative");

        const string outbox = Section + ":Outbox";
        if (o.Outbox.PollInterval <= TimeSpan.Zero) Error(outbox + ":PollInterval", "PollInterval must be positive");
        if (o.Outbox.BatchSize < 1) Error(outbox + ":BatchSize", "BatchSize must be at least 1");
        if (o.Outbox.MaxAttempts < 1) Error(outbox + ":MaxAttempts", "MaxAttempts must be at least 1");
        if (o.Outbox.InitialRetryDelay <= TimeSpan.Zero) Error(outbox + ":InitialRetryDelay", "InitialRetryDelay must be positive");
        if (o.Outbox.MaxRetryDelay < o.Outbox.InitialRetryDelay) Error(outbox + ":MaxRetryDelay", "MaxRetryDelay must not be shorter than InitialRetryDelay");
        if (o.Outbox.ClaimDuration < TimeSpan.FromSeconds(10)) Error(outbox + ":ClaimDuration", "ClaimDuration must be at least 00:00:10");
        if (o.Outbox.SmtpTimeout <= TimeSpan.Zero || o.Outbox.SmtpTimeout >= o.Outbox.ClaimDuration)
            Error(outbox + ":SmtpTimeout", "SmtpTimeout must be positive and shorter than ClaimDuration");

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < o.Mailboxes.Count; i++)
        {
            var m = o.Mailboxes[i];
            var key = $"{Section}:Mailboxes:{i}";
            if (string.IsNullOrWhiteSpace(m.Name)) Error(key, "a mailbox needs a Name");
            else if (!names.Add(m.Name)) Error(key + ":Name", $"mailbox name '{m.Name}' is used twice");
            if (!LooksLikeAddress(m.Address)) Error(key + ":Address", $"mailbox '{m.Name}' needs an Address like support@example.com");
            if (m.PollInterval <= TimeSpan.Zero) Error(key + ":PollInterval", "PollInterval must be positive");
            if (m.FirstStart is not ("Quiet" or "Import" or "Skip"))
                Error(key + ":FirstStart", $"FirstStart '{m.FirstStart}' is not one of Quiet, Import, Skip");
            ValidateServer(m.Imap, key + ":Imap", dir, Error, requireHost: true);
        }
        if (o.Mailboxes.Count > 0 || !string.IsNullOrEmpty(o.Smtp.Host))
            ValidateServer(o.Smtp, Section + ":Smtp", dir, Error, requireHost: o.Mailboxes.Count > 0);
    }

    private static void ValidateServer(ServerOptions s, string key, string dir, Action<string, string> error, bool requireHost)
    {
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

    /// <summary>A path as an admin reads it in an error: relative below the current folder, else absolute.</summary>
    public static string DisplayPath(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFullPath(path) : relative;
    }

    internal static bool IsThumbprint(string value) => ThumbprintPattern().IsMatch(value);

    private static bool LooksLikeAddress(string value) =>
        value.Length > 2 && value.IndexOf('@') is > 0 and var at && at < value.Length - 1 && !value.Contains(' ');

    private static string TypeHint(string message) =>
        message.Contains("TimeSpan", StringComparison.Ordinal) ? "expected a duration like 00:05:00 or 7.00:00:00"
        : message.Contains("Int", StringComparison.Ordinal) ? "expected a whole number"
        : message.Contains("Boolean", StringComparison.Ordinal) ? "expected true or false"
        : "wrong type";

    [GeneratedRegex(@"configuration value (?:'[^']*' )?at '([^']+)'")]
    private static partial Regex BindingKey();

    [GeneratedRegex(@"^(?:[0-9A-Fa-f]{2}:?){32}$")]
    private static partial Regex ThumbprintPattern();
}

/// <summary>Validated settings and the folder they came from (relative paths resolve against it).</summary>
public sealed record LoadedSettings(string ConfigDirectory, TicketWorkerOptions Options, IConfiguration Configuration)
{
    /// <summary>A path from the settings made absolute against the config folder.</summary>
    public string Resolve(string path) => Path.GetFullPath(Path.Combine(ConfigDirectory, path));

    /// <summary>The OAuth2 access token of a server (first line of AccessTokenFile, read at each login), or null. Never logged.</summary>
    public string? AccessToken(ServerOptions server) =>
        string.IsNullOrEmpty(server.AccessTokenFile) ? null : File.ReadLines(Resolve(server.AccessTokenFile)).FirstOrDefault()?.Trim();

    /// <summary>The password of a server: its PasswordFile's first line, else Password, else null. Never logged.</summary>
    public string? Password(ServerOptions server) =>
        !string.IsNullOrEmpty(server.PasswordFile)
            ? File.ReadLines(Resolve(server.PasswordFile)).FirstOrDefault()?.Trim()
            : server.Password;
}
