using System.CommandLine;
using TicketWorker.Cli;

namespace TicketWorker.Tests.Cli;

/// <summary><c>--help</c> on every command prints usage and examples, and exits 0 without opening anything.</summary>
public class CommandHelpTests
{
    /// <summary>The root and every command below it, as paths ("tickets", "show"); a new command is covered without listing it here.</summary>
    private static IEnumerable<string[]> EveryCommand()
    {
        IEnumerable<string[]> Walk(Command c, string[] path) => c.Subcommands.SelectMany(s => Walk(s, [.. path, s.Name])).Prepend(path);
        return Walk(CliApp.BuildRoot(TextWriter.Null, TextWriter.Null), []);
    }

    [TestCaseSource(nameof(EveryCommand))]
    public async Task HelpShowsUsageAndExamples(string[] command)
    {
        var output = new StringWriter();
        var errors = new StringWriter();

        var code = await CliApp.RunAsync([.. command, "--help"], output, errors);

        Assert.That(code, Is.EqualTo(CliApp.Ok), errors.ToString());
        Assert.That(output.ToString(), Does.Contain("Usage:").And.Contain("Examples:\n  ticketworker".ReplaceLineEndings()), output.ToString());
    }
}
