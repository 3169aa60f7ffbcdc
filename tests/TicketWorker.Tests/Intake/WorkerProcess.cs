using System.Diagnostics;

namespace TicketWorker.Tests.Intake;

/// <summary>The real worker as a child process (<c>ticketworker run</c>), to be killed like a crashed one.</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;

    private WorkerProcess(Process process) => _process = process;

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <param name="logLevel">TICKETWORKER_LOG_LEVEL of the worker.</param>
    /// <param name="onLine">Sees every output line first; true keeps it out of the test's progress output.</param>
    public static WorkerProcess Start(string configDirectory, string logLevel = "Warning", Func<string, bool>? onLine = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ticketworker.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(configDirectory);
        info.Environment["TICKETWORKER_LOG_LEVEL"] = logLevel;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null && onLine?.Invoke(e.Data) != true) TestContext.Progress.WriteLine("worker: " + e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null && onLine?.Invoke(e.Data) != true) TestContext.Progress.WriteLine("worker: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process);
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a power cut or an OOM kill.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM: the graceful stop a service manager sends.</summary>
    public bool Terminate(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        return _process.WaitForExit(timeout);
    }

    public int ExitCode => _process.ExitCode;

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }
}
