using System.Diagnostics;
using TicketWorker.Cli;

namespace TicketWorker.Tests.Cli;

/// <summary>
/// Progress reaches a person at a terminal and nobody else: the real executable run once under a
/// pseudo-terminal (util-linux <c>script</c>) and once with its output captured, as systemd or a pipe would.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class TerminalOutputTests
{
    private static readonly string Executable = typeof(CliApp).Assembly.Location;

    private static TempDirectory ShippedConfig()
    {
        var temp = new TempDirectory();
        foreach (var folder in new[] { "config", "templates" })
        {
            var source = Path.Combine(RepoRoot.Path, folder);
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
                temp.Write(Path.Combine(folder, Path.GetRelativePath(source, file)), File.ReadAllText(file));
        }
        return temp;
    }

    private static async Task<string> RunAsync(bool terminal, TempDirectory temp, params string[] args)
    {
        var command = new[] { "dotnet", Executable }.Concat(args).Concat(["--config", Path.Combine(temp.Path, "config")]);
        var line = string.Join(' ', command.Select(a => "'" + a.Replace("'", "'\\''") + "'"));
        var info = terminal
            ? new ProcessStartInfo("script") { ArgumentList = { "-qefc", line, "/dev/null" } }
            : new ProcessStartInfo("sh") { ArgumentList = { "-c", line } };
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        info.Environment["TERM"] = "xterm";
        using var p = Process.Start(info)!;
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
        Assert.That(p.ExitCode, Is.Zero, await output + await error);
        return await output + await error;
    }

    [Test]
    public async Task MigrateShowsThePendingMigrationsOnATerminalOnly()
    {
        using var onTerminal = ShippedConfig();
        using var captured = ShippedConfig();

        var terminal = await RunAsync(true, onTerminal, "migrate");
        var pipe = await RunAsync(false, captured, "migrate");

        Assert.That(terminal, Does.Match(@"\rmigrating the database: \d+ migration\(s\) \(001_initial\.sql, [^)]*\), 00:00:\d\d\u001b\[K"));
        Assert.That(terminal, Does.Contain("applied migration 1, "));
        Assert.That(pipe, Does.Not.Contain("migrating").And.Not.Contain("\u001b[K").And.StartWith("applied migration 1, "));
    }

    [Test]
    public async Task WarningsLoggedDuringIngestScrollAboveTheProgressLine()
    {
        // A mail with agent1's From threaded to ticket 1 but without its reply token: a warning on
        // standard error (the console logger) between two progress reports on the same terminal.
        using var onTerminal = ShippedConfig();
        var demo = Path.Combine(RepoRoot.Path, "install", "demo-mail");
        onTerminal.Write("spoof.eml", "From: agent1@example.test\r\nTo: support@example.test\r\nSubject: Re: Printer in the office prints blank pages\r\n"
            + "Message-ID: <spoof-1@example.test>\r\nIn-Reply-To: <demo-01-printer@customer1.example.test>\r\n\r\n#close\r\n");

        var terminal = await RunAsync(true, onTerminal, "ingest", Path.Combine(demo, "01-en-printer.eml"), Path.Combine(onTerminal.Path, "spoof.eml"),
            Path.Combine(demo, "02-fa-invoice.eml"));

        var screen = ScreenText.Lines(terminal).Where(l => l.Length > 0).ToList();
        Assert.That(screen, Has.Some.Contains("failed the agent check"), terminal);
        Assert.That(screen.Where(l => l.Contains("messages (", StringComparison.Ordinal)), Is.EqualTo(new[] { "3/3 messages (100 %)" }), terminal);
        Assert.That(screen[^1], Is.EqualTo("3/3 messages (100 %)"), terminal);
    }

    [Test]
    public async Task IngestOfManyFilesCountsThemOnATerminalOnly()
    {
        using var onTerminal = ShippedConfig();
        using var captured = ShippedConfig();
        var demo = Path.Combine(RepoRoot.Path, "install", "demo-mail");
        string[] files = ["ingest", Path.Combine(demo, "01-en-printer.eml"), Path.Combine(demo, "02-fa-invoice.eml"), Path.Combine(demo, "03-ru-login.eml")];

        var terminal = await RunAsync(true, onTerminal, files);
        var pipe = await RunAsync(false, captured, files);

        Assert.That(terminal, Does.Contain("\r3/3 messages (100 %)\u001b[K"));
        // On the screen each result has a line of its own and the progress line is below them, never glued to one.
        var screen = ScreenText.Lines(terminal).Where(l => l.Length > 0).ToList();
        Assert.That(screen.Where(l => l.Contains("\"action\"", StringComparison.Ordinal)), Has.Exactly(3).Items.And.All.StartsWith("{\"action\":\"created\""), terminal);
        Assert.That(screen.Where(l => l.Contains("messages (", StringComparison.Ordinal)), Is.EqualTo(new[] { "3/3 messages (100 %)" }), terminal);
        Assert.That(screen[^1], Is.EqualTo("3/3 messages (100 %)"), terminal);
        Assert.That(pipe, Does.Not.Contain("messages (").And.Not.Contain("\r3/3"));
        Assert.That(pipe.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(3).And.All.Contain("\"action\":\"created\""));
    }
}
