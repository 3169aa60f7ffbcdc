using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using TicketWorker.Mail;

namespace TicketWorker.Tests.Install;

/// <summary>
/// install/mailstack.sh and install/agent-auth.sh share their daemon helpers (pid files, waiting for
/// ports, stopping, package installs) through install/lib/daemon.sh. Both scripts run here on a
/// private state folder and ports 27020-27029 (never the shared stack): up, signed submission through
/// the milter, status, down by their pid files, and a pid file that names someone else's process.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class DaemonHelpersTests
{
    private const int BasePort = 27020;
    private static readonly string[] Shared = ["pid_running()", "port_answers()", "stop_pid()", "apt-get"];

    [Test]
    public void TheHelpersAreDefinedOnceInTheSourcedLibrary()
    {
        var library = File.ReadAllText(Path.Combine(RepoRoot.Path, "install/lib/daemon.sh"));
        foreach (var helper in Shared) Assert.That(library, Does.Contain(helper));
        foreach (var script in new[] { "install/mailstack.sh", "install/agent-auth.sh" })
        {
            var text = File.ReadAllText(Path.Combine(RepoRoot.Path, script));
            Assert.That(text, Does.Contain(". \"$(dirname \"${BASH_SOURCE[0]}\")/lib/daemon.sh\""), script);
            foreach (var helper in Shared) Assert.That(text, Does.Not.Contain(helper), $"{script} has its own {helper}");
        }
    }

    [Test, CancelAfter(300_000)]
    public async Task BothStacksComeUpSignSubmittedMailAndGoDownByTheirPidFilesOnly()
    {
        var state = Path.Combine("/tmp", "tw-ops-daemons-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Run("install/agent-auth.sh", state, "up");
            Run("install/mailstack.sh", state, "up");
            Assert.That(Run("install/agent-auth.sh", state, "status").Output, Does.Contain($"opendkim running").And.Contain($"on 127.0.0.1:{BasePort + 8}"));
            Assert.That(Run("install/mailstack.sh", state, "status").Output, Does.Contain("dovecot running").And.Contain("postfix running"));
            // Again: everything runs already, nothing is started twice.
            Assert.That(Run("install/mailstack.sh", state, "up").Output, Does.Contain("mail stack up"));

            // An agent's submission goes through Postfix's milter: OpenDKIM signs it.
            var trust = CertificateTrust.FromPemFile(Path.Combine(state, "tls", "cert.pem"));
            var message = new MimeMessage { Subject = "signed?" };
            message.From.Add(MailboxAddress.Parse("agent1@example.test"));
            message.To.Add(MailboxAddress.Parse("customer1@example.test"));
            message.Body = new TextPart("plain") { Text = "hello" };
            using (var smtp = new SmtpClient { ServerCertificateValidationCallback = (_, c, ch, e) => trust.IsTrusted(c, ch, e), CheckCertificateRevocation = false })
            {
                await smtp.ConnectAsync("127.0.0.1", BasePort + 4, SecureSocketOptions.StartTls);
                await smtp.AuthenticateAsync("agent1@example.test", "secret");
                await smtp.SendAsync(message);
                await smtp.DisconnectAsync(true);
            }
            var maildir = Path.Combine(state, "mail", "example.test", "customer1", "Maildir", "new");
            string? delivered = null;
            for (var i = 0; i < 100 && delivered is null; i++)
            {
                delivered = Directory.Exists(maildir) ? Directory.EnumerateFiles(maildir).FirstOrDefault() : null;
                if (delivered is null) await Task.Delay(100);
            }
            Assert.That(delivered, Is.Not.Null, "the submission was delivered to customer1");
            Assert.That(File.ReadAllText(delivered!), Does.Contain("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.test;"));

            Run("install/mailstack.sh", state, "down");
            Run("install/agent-auth.sh", state, "down");
            Assert.That(Run("install/agent-auth.sh", state, "status", expectSuccess: false).Output, Does.Contain("opendkim stopped").And.Contain("dnsmasq stopped"));
            Assert.That(Run("install/mailstack.sh", state, "status", expectSuccess: false).Output, Does.Contain("dovecot stopped").And.Contain("postfix stopped"));
            foreach (var port in Enumerable.Range(BasePort, 10)) Assert.That(Answers(port), Is.False, $"port {port} still answers");

            // A stale pid file naming another program's process: not ours, so `down` leaves it alone.
            using var stranger = Process.Start(new ProcessStartInfo("sleep", "60"))!;
            File.WriteAllText(Path.Combine(state, "run", "dnsmasq.pid"), stranger.Id.ToString(CultureInfo.InvariantCulture) + "\n");
            Run("install/agent-auth.sh", state, "down");
            Assert.That(stranger.HasExited, Is.False, "down killed a process that was not its dnsmasq");
            stranger.Kill();
        }
        finally
        {
            Run("install/mailstack.sh", state, "down", expectSuccess: false);
            Run("install/agent-auth.sh", state, "down", expectSuccess: false);
            if (Directory.Exists(state)) Directory.Delete(state, recursive: true);
        }
    }

    private static bool Answers(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static (int Code, string Output) Run(string script, string state, string verb, bool expectSuccess = true)
    {
        var info = new ProcessStartInfo(Path.Combine(RepoRoot.Path, script), verb)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        var names = new[] { "IMAP", "IMAPS", "LMTP", "SMTP", "SUBMISSION", "SMTPS", "HOSTED_IMAP", "HOSTED_IMAPS", "OPENDKIM", "DNS" };
        for (var i = 0; i < names.Length; i++) info.Environment[$"TICKETWORKER_{names[i]}_PORT"] = (BasePort + i).ToString(CultureInfo.InvariantCulture);
        info.Environment["TICKETWORKER_MAILSTACK_DIR"] = state;
        info.Environment.Remove("TICKETWORKER_MAILSTACK_SIEVE");
        info.Environment.Remove("TICKETWORKER_MAILSTACK_CERT");
        using var p = Process.Start(info)!;
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(180_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{script} {verb} did not finish in 180 s");
        }
        var all = output.Result + error.Result;
        if (expectSuccess) Assert.That(p.ExitCode, Is.Zero, $"{script} {verb} (state {state}):\n{all}");
        return (p.ExitCode, all);
    }
}
