using System.Diagnostics;

namespace TicketWorker.Tests.Install;

/// <summary>
/// install/install.sh and uninstall.sh against a temporary root. The publish is replaced by a stub
/// executable (--prebuilt): what is tested is the layout, the configuration rewrite and the unit.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class InstallScriptTests
{
    private static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        Assert.That(p.WaitForExit(60_000), Is.True, $"{file} did not finish within a minute");
        return (p.ExitCode, output.Result + error.Result);
    }

    private static string Script(string name) => Path.Combine(RepoRoot.Path, "install", name);

    /// <summary>A folder that looks like a self-contained publish: an executable named ticketworker.</summary>
    private static string StubPublish(TempDirectory temp)
    {
        var exe = temp.Write("publish/ticketworker", "#!/bin/sh\necho stub\n");
        File.SetUnixFileMode(exe, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        temp.Write("publish/ticketworker.dll", "not really");
        return Path.GetDirectoryName(exe)!;
    }

    private static string Install(TempDirectory temp)
    {
        var root = Path.Combine(temp.Path, "root");
        var (code, output) = Run(Script("install.sh"), "--root", root, "--prebuilt", StubPublish(temp), "--no-user");
        Assert.That(code, Is.Zero, output);
        return root;
    }

    [Test]
    public void InstallLaysOutProgramConfigurationCredentialsDataAndUnit()
    {
        using var temp = new TempDirectory();
        var root = Install(temp);

        Assert.That(File.Exists(Path.Combine(root, "opt/ticketworker/ticketworker")), Is.True);
        Assert.That(File.Exists(Path.Combine(root, "opt/ticketworker/ticketworker.dll")), Is.True);
        Assert.That(File.Exists(Path.Combine(root, "opt/ticketworker/templates/ack.en.liquid")), Is.True);
        Assert.That(File.Exists(Path.Combine(root, "opt/ticketworker/README.md")), Is.True);
        Assert.That(File.Exists(Path.Combine(root, "etc/ticketworker/rules.yaml")), Is.True);
        Assert.That(Directory.Exists(Path.Combine(root, "var/lib/ticketworker")), Is.True);
        Assert.That(File.ReadAllText(Path.Combine(root, "etc/systemd/system/ticketworker.service")),
            Is.EqualTo(File.ReadAllText(Script("ticketworker.service"))));
        Assert.That(File.ReadAllText(Path.Combine(root, "usr/local/bin/ticketworker")), Does.Contain("/opt/ticketworker/ticketworker"));

        var settings = File.ReadAllText(Path.Combine(root, "etc/ticketworker/appsettings.json"));
        Assert.That(settings, Does.Contain("\"Data Source=/var/lib/ticketworker/ticketworker.db\""));
        Assert.That(settings, Does.Contain("\"RawMailPath\": \"/var/lib/ticketworker/raw\""));
        Assert.That(settings, Does.Contain("\"TemplatesPath\": \"/opt/ticketworker/templates\""));

        foreach (var secret in new[] { "imap-password", "smtp-password" })
        {
            var file = Path.Combine(root, "etc/ticketworker/credentials", secret);
            Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), secret);
        }
    }

    [Test]
    public void InstallAgainKeepsTheAdminsConfigurationAndCredentials()
    {
        using var temp = new TempDirectory();
        var root = Install(temp);
        var settings = Path.Combine(root, "etc/ticketworker/appsettings.json");
        var password = Path.Combine(root, "etc/ticketworker/credentials/imap-password");
        File.WriteAllText(settings, "{ \"TicketWorker\": { } }");
        File.WriteAllText(password, "hunter2\n");

        Install(temp);

        Assert.That(File.ReadAllText(settings), Is.EqualTo("{ \"TicketWorker\": { } }"));
        Assert.That(File.ReadAllText(password), Is.EqualTo("hunter2\n"));
    }

    [Test]
    public void InstalledUnitPassesSystemdAnalyzeVerify()
    {
        using var temp = new TempDirectory();
        var root = Install(temp);
        // verify resolves the unit's dependencies (sysinit.target, multi-user.target, ...) under --root.
        var units = Path.Combine(root, "usr/lib/systemd/system");
        Directory.CreateDirectory(units);
        foreach (var target in Directory.EnumerateFiles("/usr/lib/systemd/system", "*.target").Concat(Directory.EnumerateFiles("/usr/lib/systemd/system", "*.slice")))
            if (new FileInfo(target).LinkTarget is null) File.Copy(target, Path.Combine(units, Path.GetFileName(target)));

        var (code, output) = Run("systemd-analyze", "verify", "--root=" + root, "/etc/systemd/system/ticketworker.service");

        // Unknown keys and bad values are only warnings (exit 0), so the output must be empty too.
        Assert.That(code, Is.Zero, output);
        Assert.That(output.Trim(), Is.Empty);
    }

    [Test]
    public void UninstallKeepsConfigurationAndDataUnlessPurged()
    {
        using var temp = new TempDirectory();
        var root = Install(temp);
        File.WriteAllText(Path.Combine(root, "var/lib/ticketworker/ticketworker.db"), "data");

        var (code, output) = Run(Script("uninstall.sh"), "--root", root);

        Assert.That(code, Is.Zero, output);
        Assert.That(Directory.Exists(Path.Combine(root, "opt/ticketworker")), Is.False);
        Assert.That(File.Exists(Path.Combine(root, "etc/systemd/system/ticketworker.service")), Is.False);
        Assert.That(File.Exists(Path.Combine(root, "usr/local/bin/ticketworker")), Is.False);
        Assert.That(File.Exists(Path.Combine(root, "etc/ticketworker/appsettings.json")), Is.True);
        Assert.That(File.Exists(Path.Combine(root, "var/lib/ticketworker/ticketworker.db")), Is.True);

        (code, output) = Run(Script("uninstall.sh"), "--root", root, "--purge");

        Assert.That(code, Is.Zero, output);
        Assert.That(Directory.Exists(Path.Combine(root, "etc/ticketworker")), Is.False);
        Assert.That(Directory.Exists(Path.Combine(root, "var/lib/ticketworker")), Is.False);
    }
}
