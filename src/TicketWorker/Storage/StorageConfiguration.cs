using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace TicketWorker.Storage;

/// <summary>
/// Reads <see cref="StorageOptions"/> from the <c>TicketWorker</c> configuration section:
/// <c>Database:{Provider, ConnectionString, CommandTimeout}</c> and
/// <c>Storage:{RawMailPath, StoreRawInDatabase, MaxMessageSize}</c>.
/// </summary>
public static class StorageConfiguration
{
    /// <summary>
    /// Builds the options from <paramref name="ticketWorkerSection"/> (the <c>TicketWorker</c> section),
    /// resolving relative paths (raw folder, SQLite file) against <paramref name="baseDirectory"/>.
    /// Every problem is reported at once in one <see cref="StorageException"/>.
    /// </summary>
    public static StorageOptions FromConfiguration(IConfiguration ticketWorkerSection, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(ticketWorkerSection);
        ArgumentNullException.ThrowIfNull(baseDirectory);
        var errors = new List<string>();
        var options = new StorageOptions();
        var database = ticketWorkerSection.GetSection("Database");
        var storage = ticketWorkerSection.GetSection("Storage");

        var provider = database["Provider"];
        if (!string.IsNullOrWhiteSpace(provider))
        {
            switch (provider.Trim().ToLowerInvariant())
            {
                case "sqlite":
                    options.Provider = StorageProvider.Sqlite;
                    break;
                case "postgres" or "postgresql" or "npgsql":
                    options.Provider = StorageProvider.Postgres;
                    break;
                case "sqlserver" or "mssql":
                    options.Provider = StorageProvider.SqlServer;
                    break;
                default:
                    errors.Add($"TicketWorker:Database:Provider '{provider}' is not one of sqlite, postgres, sqlserver.");
                    break;
            }
        }

        options.ConnectionString = database["ConnectionString"];
        Read(database, "CommandTimeout", "TicketWorker:Database:CommandTimeout", v => TimeSpan.Parse(v, CultureInfo.InvariantCulture), v => options.CommandTimeout = v, "a time span such as 00:00:30", errors);
        if (storage["RawMailPath"] is { Length: > 0 } rawPath)
        {
            options.RawMailPath = rawPath;
        }

        Read(storage, "StoreRawInDatabase", "TicketWorker:Storage:StoreRawInDatabase", v => bool.Parse(v), v => options.StoreRawInDatabase = v, "true or false", errors);
        Read(storage, "MaxMessageSize", "TicketWorker:Storage:MaxMessageSize", v => long.Parse(v, NumberStyles.None, CultureInfo.InvariantCulture), v => options.MaxMessageSize = v, "a number of bytes", errors);

        options = WithBaseDirectory(options, baseDirectory);
        errors.AddRange(options.Validate());
        if (errors.Count > 0)
        {
            throw new StorageException(string.Join(" ", errors));
        }

        return options;
    }

    /// <summary>A copy of <paramref name="options"/> whose relative raw folder and SQLite file are under <paramref name="baseDirectory"/>.</summary>
    public static StorageOptions WithBaseDirectory(StorageOptions options, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = new StorageOptions
        {
            Provider = options.Provider,
            ConnectionString = options.ConnectionString,
            RawMailPath = string.IsNullOrWhiteSpace(options.RawMailPath) ? options.RawMailPath : Path.GetFullPath(options.RawMailPath, Path.GetFullPath(baseDirectory)),
            StoreRawInDatabase = options.StoreRawInDatabase,
            MaxMessageSize = options.MaxMessageSize,
            CommandTimeout = options.CommandTimeout,
        };
        if (copy.Provider == StorageProvider.Sqlite)
        {
            try
            {
                var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(copy.EffectiveConnectionString);
                if (builder.Mode != Microsoft.Data.Sqlite.SqliteOpenMode.Memory && builder.DataSource is { Length: > 0 } file && file != ":memory:" && !Path.IsPathRooted(file))
                {
                    builder.DataSource = Path.GetFullPath(file, Path.GetFullPath(baseDirectory));
                    copy.ConnectionString = builder.ToString();
                }
            }
            catch (ArgumentException)
            {
                // Reported by StorageDatabase with the provider's message.
            }
        }

        return copy;
    }

    private static void Read<T>(IConfiguration section, string key, string path, Func<string, T> parse, Action<T> set, string expected, List<string> errors)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        try
        {
            set(parse(value.Trim()));
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            errors.Add($"{path} '{value}' is not {expected}.");
        }
    }
}
