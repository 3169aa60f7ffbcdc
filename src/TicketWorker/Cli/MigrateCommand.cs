using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using TicketWorker.Storage;

namespace TicketWorker.Cli;

/// <summary><c>ticketworker migrate</c>: creates or upgrades the schema (also done at every start).</summary>
public static class MigrateCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var command = new Command("migrate", "create or upgrade the database schema");
        command.SetAction((parse, ct) => CliApp.Guard(errors, async () =>
        {
            using var host = await CommandHost.OpenAsync(parse.GetValue(CliApp.ConfigOption)!, ct, migrate: false);
            var database = host.Services.GetRequiredService<StorageDatabase>();
            IReadOnlyList<int> applied;
            try { applied = await database.MigrateAsync(ct); }
            catch (StorageException e) { throw new UserErrorException("database: " + e.Message, e); }
            var version = await database.GetSchemaVersionAsync(ct);
            await output.WriteLineAsync(applied.Count == 0
                ? $"schema is up to date (version {version})"
                : $"applied migration {string.Join(", ", applied)}; schema version {version}");
            return CliApp.Ok;
        }));
        return command;
    }
}
