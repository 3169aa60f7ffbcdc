using System.CommandLine;
using TicketWorker.Configuration;

namespace TicketWorker.Cli;

/// <summary>The <c>ticketworker</c> command line: parses arguments, runs a command, maps failures to exit codes.</summary>
public static class CliApp
{
    /// <summary>Exit codes: 0 ok, 1 user error (bad input or configuration), 2 internal error.</summary>
    public const int Ok = 0, UserError = 1, InternalError = 2;

    public static readonly Option<string> ConfigOption = new("--config")
    {
        Description = "configuration folder (default: config/, or TICKETWORKER_CONFIG)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TICKETWORKER_CONFIG") is { Length: > 0 } env ? env : "config",
    };

    public static Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, CancellationToken cancellationToken = default)
    {
        // On a terminal, logs and output share it with the progress line: they go above the line.
        if (stdout is null && stderr is null) SharedTerminal.Install();
        var output = stdout ?? Console.Out;
        var errors = stderr ?? Console.Error;
        var root = BuildRoot(output, errors);
        var config = new InvocationConfiguration { Output = output, Error = errors };
        return Guard(errors, () => root.Parse(args).InvokeAsync(config, cancellationToken));
    }

    /// <summary>Every command, with its options, examples and actions writing to <paramref name="output"/> and <paramref name="errors"/>.</summary>
    public static RootCommand BuildRoot(TextWriter output, TextWriter errors)
    {
        var root = new RootCommand("TicketWorker: turns a support mailbox into a ticket system");
        root.Options.Add(ConfigOption);
        root.Subcommands.Add(RunCommand.Create(errors));
        root.SetAction((parse, ct) => RunCommand.Run(parse, errors, ct));
        root.Subcommands.Add(CheckCommand.Create(output, errors));
        root.Subcommands.Add(MigrateCommand.Create(output, errors));
        root.Subcommands.Add(IngestCommand.Create(output, errors));
        root.Subcommands.Add(TicketsCommand.Create(output, errors));
        root.Subcommands.Add(QuarantineCommand.Create(output, errors));
        root.Subcommands.Add(StatusCommand.Create(output, errors));
        root.Subcommands.Add(HealthCommand.Create(output, errors));
        CommandHelp.Examples(root.Subcommands[^1], "ticketworker health", "ticketworker health --poll-factor 5 --outbox-age 00:30:00 || mail -s 'ticketworker' admin@example.com");
        root.Subcommands.Add(RulesCommand.Create(output, errors));
        root.Subcommands.Add(ReprocessCommand.Create(output, errors));
        root.Subcommands.Add(DigestCommand.Create(output, errors));
        CommandHelp.Examples(root.Subcommands[^1], "ticketworker digest", "ticketworker digest --to admin@example.com --date 2026-12-01");
        CommandHelp.Examples(root, "ticketworker                      # the worker (same as: ticketworker run)",
            "ticketworker check --config /etc/ticketworker", "ticketworker tickets list", "ticketworker status", "ticketworker COMMAND --help");
        CommandHelp.Install(root);
        return root;
    }

    /// <summary>Turns known failures into one-line messages and exit codes; nothing user-caused prints a stack trace.</summary>
    public static async Task<int> Guard(TextWriter errors, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (ConfigException e)
        {
            foreach (var error in e.Errors) await errors.WriteLineAsync(error.ToString());
            return UserError;
        }
        catch (UserErrorException e)
        {
            await errors.WriteLineAsync("error: " + e.Message);
            return UserError;
        }
        catch (OperationCanceledException)
        {
            return Ok;
        }
        catch (Exception e)
        {
            await errors.WriteLineAsync($"internal error: {e.GetType().Name}: {e.Message}");
            return InternalError;
        }
    }
}
