using Microsoft.Extensions.DependencyInjection;

namespace TicketWorker.Storage;

/// <summary>Registers the storage layer in a service collection.</summary>
public static class StorageServiceCollectionExtensions
{
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
        services.AddSingleton(sp => new StorageDatabase(options, sp.GetService<TimeProvider>()));
        services.AddSingleton<RawMailStore>();
        services.AddSingleton<ITicketStore, SqlTicketStore>();
        services.AddSingleton<IOutboxStore, SqlOutboxStore>();
        services.AddSingleton<IMailboxStateStore, SqlMailboxStateStore>();
        services.AddSingleton<IQuarantineStore, SqlQuarantineStore>();
        services.AddSingleton<ISettingsStore, SqlSettingsStore>();
        return services;
    }
}
