namespace TicketWorker.Configuration;

/// <summary>
/// The config folder the host reads: where relative paths in the settings resolve, and where each
/// key of appsettings.json is, so an error can name <c>file:line:col</c>.
/// </summary>
public sealed class ConfigFolder(string directory, string displayFile, JsonLocations locations)
{
    /// <summary>The folder, absolute.</summary>
    public string Directory { get; } = directory;

    /// <summary>appsettings.json as an admin reads it in an error (relative below the current folder).</summary>
    public string DisplayFile { get; } = displayFile;

    public JsonLocations Locations { get; } = locations;

    /// <summary>A path from the settings made absolute against the config folder.</summary>
    public string Resolve(string path) => Path.GetFullPath(Path.Combine(Directory, path));

    /// <summary>An error located at a configuration key (or its nearest ancestor present in the file).</summary>
    public ConfigError ErrorAt(string key, string message)
    {
        var (line, col) = Locations.Find(key);
        return new ConfigError(DisplayFile, line, col, message);
    }
}
