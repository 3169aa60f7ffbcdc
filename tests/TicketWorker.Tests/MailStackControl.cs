using System.Diagnostics;

namespace TicketWorker.Tests;

/// <summary>Runs install/mailstack.sh (for tests that stop and start the real mail stack).</summary>
public static class MailStackControl
{
    public static void Run(string verb)
    {
        var info = new ProcessStartInfo(Path.Combine(RepoRoot.Path, "install", "mailstack.sh"), verb)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        using var p = Process.Start(info)!;
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        Assert.That(p.WaitForExit(120_000), Is.True, $"mailstack.sh {verb} did not finish");
        Assert.That(p.ExitCode, Is.Zero, $"mailstack.sh {verb}: {output.Result}{error.Result}");
    }
}
