using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using TicketWorker.Cli;
using TicketWorker.Configuration;

namespace TicketWorker.Storage;

/// <summary>Registers the storage layer in a service collection.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The worker's storage: <see cref="StorageOptions"/> from <c>TicketWorker:Database</c> and
    /// <c>TicketWorker:Storage</c> (relative paths against the config folder), then the database,
    /// the raw store and the stores. Nothing is opened until a command or the worker asks.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddSingleton(sp => StorageOptionsFrom(sp.GetRequiredService<TicketWorkerOptions>(), sp.GetRequiredService<ConfigFolder>()));
        return services.AddStores();
    }

    /// <summary>
    /// Adds <see cref="StorageDatabase"/>, <see cref="RawMailStore"/> and the stores as singletons for
    /// <paramref name="options"/> (validated now: a bad value throws <see cref="StorageException"/>).
    /// </summary>
    public static IServiceCollection AddTicketWorkerStorage(this IServiceCollection services, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new StorageException(string.Join(" ", errors));
        }

        services.AddSingleton(options);
        return services.AddStores();
    }

    private static IServiceCollection AddStores(this IServiceCollection services)
    {
        services.AddSingleton(sp => new StorageDatabase(sp.GetRequiredService<StorageOptions>(), sp.GetService<TimeProvider>()));
        services.AddSingleton<RawMailStore>();
        services.AddSingleton<ITicketStore, SqlTicketStore>();
        services.AddSingleton<IOutboxStore, SqlOutboxStore>();
        services.AddSingleton<IMailboxStateStore, SqlMailboxStateStore>();
        services.AddSingleton<IQuarantineStore, SqlQuarantineStore>();
        services.AddSingleton<ISettingsStore, SqlSettingsStore>();
        services.AddSingleton<IIgnoredMessageStore, SqlIgnoredMessageStore>();
        return services;
    }

    /// <summary>Maps appsettings to storage options; relative paths resolve against the config folder.</summary>
    private static StorageOptions StorageOptionsFrom(TicketWorkerOptions o, ConfigFolder folder)
    {
        var provider = o.Database.Provider switch
        {
            "postgres" => StorageProvider.Postgres,
            "sqlserver" => StorageProvider.SqlServer,
            _ => StorageProvider.Sqlite,
        };
        var connectionString = o.Database.ConnectionString;
        if (provider == StorageProvider.Sqlite)
        {
            SqliteConnectionStringBuilder builder;
            try { builder = new SqliteConnectionStringBuilder(connectionString); }
            catch (ArgumentException e) { throw new UserErrorException("database: bad SQLite connection string: " + e.Message.ReplaceLineEndings(" "), e); }
            if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource))
                builder.DataSource = folder.Resolve(builder.DataSource);
            if (Path.GetDirectoryName(builder.DataSource) is { Length: > 0 } dir)
            {
                try { Directory.CreateDirectory(dir); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new UserErrorException($"database: cannot create the folder {dir} for the SQLite database: {e.Message}", e);
                }
            }
            connectionString = builder.ToString();
        }
        return new StorageOptions
        {
            Provider = provider,
            ConnectionString = connectionString,
            RawMailPath = folder.Resolve(o.Storage.RawMailPath),
            StoreRawInDatabase = o.Storage.StoreRawInDatabase,
            // The raw store keeps every message, however large: mail over Storage:MaxMessageSize is
            // quarantined by the pipeline with its bytes, never refused and lost.
            MaxMessageSize = long.MaxValue,
        };
    }
}
