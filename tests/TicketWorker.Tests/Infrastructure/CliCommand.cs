using TicketWorker.Cli;

namespace TicketWorker.Tests.Infrastructure;

/// <summary>Runs a <c>ticketworker</c> command in-process on a configuration folder, with its exit code and both streams.</summary>
public static class CliCommand
{
    public static async Task<(int Code, string Output, string Errors)> RunAsync(string configDirectory, params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var code = await CliApp.RunAsync([.. args, "--config", configDirectory], output, errors);
        return (code, output.ToString(), errors.ToString());
    }
}
