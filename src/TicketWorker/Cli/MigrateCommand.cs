using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using TicketWorker.Storage;

namespace TicketWorker.Cli;

/// <summary><c>ticketworker migrate</c>: creates or upgrades the schema (also done at every start).</summary>
public static class MigrateCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var command = new Command("migrate", "create or upgrade the database schema (also done at every start; run it first after an upgrade to watch a long migration)");
        CommandHelp.Examples(command, "ticketworker migrate", "ticketworker migrate --config /etc/ticketworker");
        command.SetAction((parse, ct) => CliApp.Guard(errors, async () =>
        {
            using var host = await CommandHost.OpenAsync(parse.GetValue(CliApp.ConfigOption)!, ct, migrate: false);
            var database = host.Services.GetRequiredService<StorageDatabase>();
            IReadOnlyList<int> applied;
            try { applied = await MigrateWithProgressAsync(database, errors, ct); }
            catch (StorageException e) { throw new UserErrorException("database: " + e.Message, e); }
            var version = await database.GetSchemaVersionAsync(ct);
            await output.WriteLineAsync(applied.Count == 0
                ? $"schema is up to date (version {version})"
                : $"applied migration {string.Join(", ", applied)}; schema version {version}");
            return CliApp.Ok;
        }));
        return command;
    }

    /// <summary>
    /// Migrates; on a terminal a line names the pending migrations and the time taken so far (they
    /// run in one transaction, so on a big database the time is all there is to show).
    /// </summary>
    private static async Task<IReadOnlyList<int>> MigrateWithProgressAsync(StorageDatabase database, TextWriter errors, CancellationToken cancellationToken)
    {
        using var line = TerminalProgress.ForStandardError("migrations", errors);
        if (!line.Enabled) return await database.MigrateAsync(cancellationToken);

        var current = await database.GetSchemaVersionAsync(cancellationToken);
        var pending = SchemaMigrator.LoadScripts(database.Dialect.MigrationFolder).Where(s => s.Version > current).Select(s => s.Name).ToList();
        if (pending.Count == 0) return await database.MigrateAsync(cancellationToken);

        var started = TimeProvider.System.GetTimestamp();
        var migrating = database.MigrateAsync(cancellationToken);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do line.Status($"migrating the database: {pending.Count} migration(s) ({string.Join(", ", pending)}), {TimeProvider.System.GetElapsedTime(started):hh\\:mm\\:ss}");
        while (!migrating.IsCompleted && await Task.WhenAny(migrating, timer.WaitForNextTickAsync(cancellationToken).AsTask()) != migrating);
        line.Done();
        return await migrating;
    }
}
