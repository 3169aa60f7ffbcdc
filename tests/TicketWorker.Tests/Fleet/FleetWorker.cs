using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using TicketWorker.Tests.Infrastructure;

namespace TicketWorker.Tests.Fleet;

/// <summary>
/// One worker of the fleet as a real process (<c>ticketworker run</c>) with a configuration folder of its
/// own, as on a host of its own: the shared PostgreSQL database (raw mail kept in it, so no worker
/// depends on another's disk), mailbox support@ of the fleet stack, SMTP to its Postfix, the shipped
/// templates and the given rules.yaml. Its output goes to the test's progress log under its name.
/// </summary>
public sealed partial class FleetWorker : IDisposable
{
    private readonly TempDirectory _dir = new();
    private Process? _process;

    public FleetWorker(string name, PrivateMailStack stack, string connectionString, string rules)
    {
        Name = name;
        _dir.Write("config/appsettings.json", $$"""
            { "TicketWorker": {
                "Database": { "Provider": "postgres", "ConnectionString": "{{connectionString}}" },
                "Storage": { "StoreRawInDatabase": true },
                "TemplatesPath": "{{Path.Combine(RepoRoot.Path, "templates")}}",
                "Outbox": { "PollInterval": "00:00:00.200", "InitialRetryDelay": "00:00:01", "MaxRetryDelay": "00:00:02", "ClaimDuration": "00:00:10", "SmtpTimeout": "00:00:05", "MaxAttempts": 1000 },
                "Mailboxes": [ { "Name": "support", "Address": "support@example.test", "Folder": "INBOX", "FirstStart": "Import", "PollInterval": "00:00:01",
                  "Imap": { "Host": "{{PrivateMailStack.Host}}", "Port": {{stack.ImapPort}}, "Security": "StartTls",
                            "Username": "support@example.test", "Password": "secret", "TrustedCertificate": "{{stack.CertificatePath}}" } } ],
                "Smtp": { "Host": "{{PrivateMailStack.Host}}", "Port": {{stack.SmtpPort}}, "Security": "None" } } }
            """);
        _dir.Write("config/rules.yaml", rules);
    }

    public string Name { get; }

    /// <summary>
    /// Per mail sent, from the SMTP server's 250 to the commit of "sent" (the outbox logs it): a kill
    /// inside such a window resends the identical mail. Over every run of this worker.
    /// </summary>
    public ConcurrentQueue<double> CommitWindowsMs { get; } = new();
    public string ConfigDirectory => Path.Combine(_dir.Path, "config");
    public int Pid => _process?.Id ?? -1;
    public bool IsRunning => _process is { HasExited: false };
    public int ExitCode => _process!.ExitCode;

    /// <summary>Starts the process (a new one after <see cref="Kill"/>).</summary>
    public void Start()
    {
        _process?.Dispose();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ticketworker.dll"));
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(ConfigDirectory);
        // Information for the outbox's send windows; only warnings and errors are shown.
        info.Environment["TICKETWORKER_LOG_LEVEL"] = "Information";
        var process = Process.Start(info)!;
        var label = $"{Name} (pid {process.Id.ToString(CultureInfo.InvariantCulture)}): ";
        void Line(string? line)
        {
            if (line is null) return;
            if (CommitWindow().Match(line) is { Success: true } m) CommitWindowsMs.Enqueue(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            // The simple console format prefixes the syslog severity: <6> information, <7> debug.
            if (!line.StartsWith("<6>", StringComparison.Ordinal) && !line.StartsWith("<7>", StringComparison.Ordinal)) TestContext.Progress.WriteLine(label + line);
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>SIGKILL: no shutdown code runs (a power cut, an OOM kill).</summary>
    public void Kill()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, the service manager's stop; true when the process ended within <paramref name="timeout"/>.</summary>
    public bool Terminate(TimeSpan timeout)
    {
        if (_process is null || _process.HasExited) return true;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
        return _process.WaitForExit(timeout);
    }

    [GeneratedRegex(@"committed ([0-9]+(?:\.[0-9]+)?) ms after the server's reply")]
    private static partial Regex CommitWindow();

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        _dir.Dispose();
    }
}
