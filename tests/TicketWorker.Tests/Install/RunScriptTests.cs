using System.Diagnostics;

namespace TicketWorker.Tests.Install;

/// <summary>
/// ./run.sh starts the demo's mail stack only for the worker on the demo config. `dotnet` is a stub
/// on PATH that prints its arguments, so no build runs and a started stack would show in the output.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class RunScriptTests
{
    private static string RunWithStubDotnet(TempDirectory temp, params string[] args)
    {
        var stub = temp.Write("bin/dotnet", "#!/bin/sh\necho \"dotnet $*\"\n");
        File.SetUnixFileMode(stub, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var info = new ProcessStartInfo(Path.Combine(RepoRoot.Path, "run.sh")) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["PATH"] = Path.GetDirectoryName(stub) + ":" + Environment.GetEnvironmentVariable("PATH");
        info.Environment.Remove("TICKETWORKER_DEMO_STACK");
        info.Environment.Remove("TICKETWORKER_CONFIG");
        // Were the stack started after all, it would be a throwaway one, not the demo's or the tests'.
        info.Environment["TICKETWORKER_DEMO_MAILSTACK_DIR"] = Path.Combine(temp.Path, "stack");
        using var p = Process.Start(info)!;
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        Assert.That(p.WaitForExit(30_000), Is.True, "run.sh did not finish");
        Assert.That(p.ExitCode, Is.Zero, output.Result + error.Result);
        return output.Result + error.Result;
    }

    [TestCase("tickets", "list")]
    [TestCase("status", "--json")]
    [TestCase("--help")]
    [TestCase("--config", "/etc/ticketworker", "run")]
    public void CommandsOtherThanTheDemoWorkerDoNotStartTheMailStack(params string[] args)
    {
        using var temp = new TempDirectory();

        var output = RunWithStubDotnet(temp, args);

        Assert.That(output, Does.Not.Contain("mailstack").And.Not.Contain("mail stack"));
        Assert.That(output.Trim(), Is.EqualTo("dotnet run --project src/TicketWorker -c Release -- " + string.Join(' ', args)));
        Assert.That(Directory.Exists(Path.Combine(temp.Path, "stack")), Is.False);
    }
}
