using Microsoft.Extensions.Configuration;

namespace TicketWorker.Configuration;

/// <summary>
/// Puts <c>appsettings.json</c> of the config folder plus <c>TicketWorker__…</c> environment
/// overrides into a configuration (the host's, or a standalone one for <c>check</c>), remembering
/// where each key is so that binding and validation can list every problem with its <c>file:line:col</c>.
/// </summary>
public static class AppSettingsLoader
{
    public const string FileName = "appsettings.json";
    public const string Section = "TicketWorker";

    /// <summary>
    /// Adds the config folder's settings and the environment to <paramref name="configuration"/>.
    /// Throws <see cref="ConfigException"/> when the folder is missing or the file is not JSON.
    /// </summary>
    public static ConfigFolder AddTicketWorkerSettings(this IConfigurationBuilder configuration, string configDirectory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var dir = Path.GetFullPath(configDirectory);
        var file = Path.Combine(dir, FileName);
        var display = DisplayPath(file);
        if (!Directory.Exists(dir))
            throw new ConfigException(new ConfigError(configDirectory, 0, 0, "config folder not found (use --config DIR or TICKETWORKER_CONFIG)"));

        var locations = File.Exists(file) ? JsonLocations.Read(display, File.ReadAllBytes(file)) : new JsonLocations();
        try
        {
            // Not reloaded on change: a changed appsettings.json takes effect at the next start.
            configuration.AddJsonFile(file, optional: true, reloadOnChange: false).AddEnvironmentVariables();
            if (configuration is not IConfigurationManager) configuration.Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            throw new ConfigException(new ConfigError(display, 0, 0, e.Message));
        }
        return new ConfigFolder(dir, display, locations);
    }

    /// <summary>Reads and validates the settings without a host (for <c>check</c> and <c>rules test</c>); throws <see cref="ConfigException"/> listing every error.</summary>
    public static LoadedSettings Load(string configDirectory)
    {
        var builder = new ConfigurationBuilder();
        var folder = builder.AddTicketWorkerSettings(configDirectory);
        var options = new TicketWorkerOptions();
        new TicketWorkerOptionsBinder(builder.Build(), folder).Configure(options);
        new TicketWorkerOptionsValidator(folder).Validate(null, options);
        return new LoadedSettings(folder.Directory, options);
    }

    /// <summary>A path as an admin reads it in an error: relative below the current folder, else absolute.</summary>
    public static string DisplayPath(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFullPath(path) : relative;
    }

    internal static bool IsThumbprint(string value) => TicketWorkerOptionsValidator.IsThumbprint(value);
}
