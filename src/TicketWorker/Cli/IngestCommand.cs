using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TicketWorker.Intake;

namespace TicketWorker.Cli;

/// <summary>
/// <c>ticketworker ingest --mailbox NAME [FILE…]</c>: raw messages (stdin when no file, for MTA
/// piping) through the same pipeline as IMAP intake; one JSON line per message.
/// </summary>
public static class IngestCommand
{
    /// <summary>EX_TEMPFAIL: the database was unavailable; the caller should deliver the message again later.</summary>
    public const int TempFail = 75;

    public static Command Create(TextWriter output, TextWriter errors)
    {
        var mailbox = new Option<string?>("--mailbox") { Description = "the configured mailbox the message arrived at (default: the first)" };
        var files = new Argument<string[]>("FILE") { Description = "raw message files (.eml); standard input when none", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("ingest", "run raw messages through the intake pipeline") { mailbox, files };
        CommandHelp.Examples(command,
            "ticketworker ingest mail.eml",
            "ticketworker ingest --mailbox sales export/*.eml       # a folder of old mail; progress on a terminal",
            "ticketworker ingest < mail.eml                          # from an MTA pipe (Postfix: | ticketworker ingest)");
        command.SetAction((parse, ct) => CliApp.Guard(errors, async () =>
        {
            var paths = parse.GetValue(files) ?? [];
            foreach (var path in paths)
                if (!File.Exists(path)) throw new UserErrorException($"{path}: file not found");
            try
            {
                using var host = await CommandHost.OpenAsync(parse.GetValue(CliApp.ConfigOption)!, ct);
                var mailboxes = host.Services.GetRequiredService<TicketWorker.Configuration.TicketWorkerOptions>().Mailboxes;
                var ingest = host.Services.GetRequiredService<IngestPipeline>();
                var name = parse.GetValue(mailbox);
                if (name is not null && !mailboxes.Any(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)))
                    throw new UserErrorException($"unknown mailbox '{name}' (configured: {string.Join(", ", mailboxes.Select(m => m.Name))})");
                name ??= mailboxes.FirstOrDefault()?.Name;

                if (paths.Length == 0)
                {
                    await using var stdin = Console.OpenStandardInput();
                    await WriteAsync(await ingest.IngestAsync(stdin, IngestSource.Pipe(name), ct));
                }
                // Standard output carries the results (one JSON line each); the count goes to a terminal only.
                using var progress = TerminalProgress.ForStandardError("messages", errors);
                for (var i = 0; i < paths.Length; i++)
                {
                    await using (var file = File.OpenRead(paths[i]))
                        await WriteAsync(await ingest.IngestAsync(file, IngestSource.Pipe(name), ct));
                    progress.Report(i + 1, paths.Length);
                }
            }
            catch (Exception e) when (TicketWorker.Storage.StorageErrors.IsTransient(e))
            {
                // Not reachable at start, or still unavailable after the pipeline waited for it. EX_TEMPFAIL (sysexits.h): an MTA piping
                // into us keeps the message and tries again later, instead of bouncing it.
                await errors.WriteLineAsync($"error: the database is unavailable, the message was not processed (try again later): {e.Message.ReplaceLineEndings(" ")}");
                return TempFail;
            }
            return CliApp.Ok;
        }));
        return command;

        Task WriteAsync(IngestResult result) => output.WriteLineAsync(JsonSerializer.Serialize(result, CliJson.Line));
    }
}
