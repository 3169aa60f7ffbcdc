using System.CommandLine;
using TicketWorker.Hosting;
using TicketWorker.Intake;

namespace TicketWorker.Cli;

/// <summary><c>ticketworker run</c> (the default): the worker, until SIGTERM or Ctrl-C.</summary>
public static class RunCommand
{
    public static Command Create(TextWriter errors)
    {
        var command = new Command("run", "run the worker: intake, outbox, scheduler (the default command)");
        CommandHelp.Examples(command,
            "ticketworker run",
            "ticketworker run --config /etc/ticketworker",
            "TICKETWORKER_LOG_LEVEL=Debug ticketworker run");
        command.SetAction((parse, ct) => Run(parse, errors, ct));
        return command;
    }

    public static Task<int> Run(ParseResult parse, TextWriter errors, CancellationToken cancellationToken) =>
        CliApp.Guard(errors, async () =>
        {
            // A first import of a big mailbox shows its progress on a terminal; under systemd or in a pipe nothing is added to the log.
            using var line = TerminalProgress.ForStandardError("messages", errors);
            using var observing = line.Enabled ? IntakeProgress.Observe(new IntakeProgressLine(line)) : null;
            return await WorkerHost.RunAsync(parse.GetValue(CliApp.ConfigOption)!, cancellationToken);
        });
}
