namespace TicketWorker.Configuration;

/// <summary>Validated settings and the folder they came from (relative paths, password and token files resolve against it).</summary>
public sealed record LoadedSettings(string ConfigDirectory, TicketWorkerOptions Options)
{
    /// <summary>The OAuth2 token cache MailKit sessions sign in with (<c>Auth:Mode</c> oauth2-*); set by <c>AddMail</c>.</summary>
    public Mail.Auth.OAuth2Tokens? OAuth2 { get; init; }

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
