using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace TicketWorker.Cli;

/// <summary>
/// <c>--help</c> with examples: System.CommandLine prints usage, arguments and options; each command
/// registers its examples here and they are printed after them.
/// </summary>
public static class CommandHelp
{
    private static readonly ConditionalWeakTable<Command, string[]> ExamplesOf = new();

    /// <summary>Command lines shown under "Examples:" in the command's <c>--help</c>.</summary>
    public static void Examples(Command command, params string[] lines) => ExamplesOf.AddOrUpdate(command, lines);

    /// <summary>The examples registered for <paramref name="command"/> (empty when none).</summary>
    public static IReadOnlyList<string> ExamplesFor(Command command) => ExamplesOf.TryGetValue(command, out var lines) ? lines : [];

    /// <summary>Makes the root's help option print the examples of the command asked about.</summary>
    public static void Install(RootCommand root)
    {
        var option = root.Options.OfType<HelpOption>().First();
        if (option.Action is HelpAction inner) option.Action = new WithExamples(inner);
    }

    private sealed class WithExamples(HelpAction inner) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var code = inner.Invoke(parseResult);
            var lines = ExamplesFor(parseResult.CommandResult.Command);
            if (lines.Count == 0) return code;
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Examples:");
            foreach (var line in lines) output.WriteLine("  " + line);
            output.WriteLine();
            return code;
        }
    }
}
