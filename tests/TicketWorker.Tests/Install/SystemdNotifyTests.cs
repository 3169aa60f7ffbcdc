using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace TicketWorker.Tests.Install;

/// <summary>
/// The worker under systemd (Type=notify in install/ticketworker.service): READY=1 once started and
/// STOPPING=1 on SIGTERM, through $NOTIFY_SOCKET. Microsoft.Extensions.Hosting.Systemd only talks to
/// systemd when the parent process is named "systemd", so the worker is started by a shell script of
/// that name; the test is the notify socket.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class SystemdNotifyTests
{
    private static TempDirectory ShippedSetup()
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

    private static async Task<string> ReceiveAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    [Test]
    public async Task WorkerStartedBySystemdSendsReadyAndThenStoppingOnSigterm()
    {
        // The shipped demo config: its mail stack need not run (intake retries), the host starts anyway.
        using var temp = ShippedSetup();
        var parent = temp.Write("bin/systemd", "#!/bin/sh\n\"$@\" &\nchild=$!\ntrap 'kill -TERM $child' TERM\nwait $child\nwait $child\n");
        File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var socketPath = Path.Combine(temp.Path, "notify");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));

        var info = new ProcessStartInfo(parent) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { "dotnet", Path.Combine(AppContext.BaseDirectory, "ticketworker.dll"), "--config", Path.Combine(temp.Path, "config"), "run" })
            info.ArgumentList.Add(a);
        info.Environment["NOTIFY_SOCKET"] = socketPath;
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var first = await ReceiveAsync(socket, timeout.Token);
            Assert.That(first, Does.Contain("READY=1"));

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync(timeout.Token);
            var second = await ReceiveAsync(socket, timeout.Token);
            Assert.That(second, Does.Contain("STOPPING=1"));

            await process.WaitForExitAsync(timeout.Token);
            Assert.That(process.ExitCode, Is.Zero, output.Result + errors.Result);
            // journald's format: syslog priority prefixes instead of timestamps (<6> = information).
            Assert.That(output.Result, Does.Contain("<6>"));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
