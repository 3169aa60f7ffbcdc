using System.CommandLine;
using TicketWorker.Hosting;

namespace TicketWorker.Cli;

/// <summary><c>ticketworker run</c> (the default): the worker, until SIGTERM or Ctrl-C.</summary>
public static class RunCommand
{
    public static Command Create(TextWriter errors)
    {
        var command = new Command("run", "run the worker: intake, outbox, scheduler (the default command)");
        command.SetAction((parse, ct) => Run(parse, errors, ct));
        return command;
    }

    public static Task<int> Run(ParseResult parse, TextWriter errors, CancellationToken cancellationToken) =>
        CliApp.Guard(errors, () => WorkerHost.RunAsync(parse.GetValue(CliApp.ConfigOption)!, cancellationToken));
}
