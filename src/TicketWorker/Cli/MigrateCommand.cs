using System.CommandLine;
using TicketWorker.Hosting;

namespace TicketWorker.Cli;

/// <summary><c>ticketworker migrate</c>: creates or upgrades the schema (also done at every start).</summary>
public static class MigrateCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var command = new Command("migrate", "create or upgrade the database schema");
        command.SetAction((parse, ct) => CliApp.Guard(errors, async () =>
        {
            var runtime = await TicketWorkerRuntime.OpenAsync(parse.GetValue(CliApp.ConfigOption)!, migrate: false, cancellationToken: ct);
            IReadOnlyList<int> applied;
            try { applied = await runtime.Database.MigrateAsync(ct); }
            catch (Storage.StorageException e) { throw new UserErrorException("database: " + e.Message, e); }
            var version = await runtime.Database.GetSchemaVersionAsync(ct);
            await output.WriteLineAsync(applied.Count == 0
                ? $"schema is up to date (version {version})"
                : $"applied migration {string.Join(", ", applied)}; schema version {version}");
            return CliApp.Ok;
        }));
        return command;
    }
}
