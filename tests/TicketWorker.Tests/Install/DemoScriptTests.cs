using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace TicketWorker.Tests.Install;

/// <summary>
/// `./run.sh` with no arguments is the demo (install/demo.sh). It runs here in a clean clone of the
/// repository, on a mail stack of its own (a temporary state folder, the demo's ports), with the
/// Release build this test run already made, and exits after printing (TICKETWORKER_DEMO_EXIT=1).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public partial class DemoScriptTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    // A row of `tickets list`: number, status, priority, owner, customer, subject.
    [GeneratedRegex(@"^\s*(?<number>\d+)\s+open\s+\S+\s+\S+\s+(?<customer>\S+@\S+)\s+(?<subject>.+)$", RegexOptions.Multiline)]
    private static partial Regex TicketRow();

    [Test]
    public async Task TheDemoShowsOneTicketPerCustomerAnAcknowledgementAndAnAgentsAnswerRelayedWithItsCommandApplied()
    {
        // The demo's stack has fixed ports: a demo already running on this machine would answer instead.
        if (IsListening(20025) || IsListening(20143)) Assert.Ignore("a demo mail stack already listens on 127.0.0.1:20025/20143");
        using var temp = new TempDirectory();
        var clone = Path.Combine(temp.Path, "repo");
        var stack = Path.Combine(temp.Path, "stack");
        await RunAsync("git", ["clone", "-q", RepoRoot.Path, clone], temp.Path, new Dictionary<string, string>());
        var environment = new Dictionary<string, string>
        {
            ["TICKETWORKER_DEMO_MAILSTACK_DIR"] = stack,
            ["TICKETWORKER_DEMO_EXIT"] = "1",
            ["TICKETWORKER_DEMO_DLL"] = Path.Combine(RepoRoot.Path, "src/TicketWorker/bin/Release/net10.0/ticketworker.dll"),
        };

        string output;
        try
        {
            output = await RunAsync(Path.Combine(clone, "run.sh"), [], clone, environment);
        }
        finally
        {
            // Stops exactly the daemons this stack started (by the pid files in its state folder).
            await RunAsync(Path.Combine(clone, "install/mailstack.sh"), ["down"], clone,
                new Dictionary<string, string> { ["TICKETWORKER_MAILSTACK_DIR"] = stack });
        }

        var rows = TicketRow().Matches(output).Select(m => (Customer: m.Groups["customer"].Value, Subject: m.Groups["subject"].Value.Trim())).ToList();
        Assert.That(rows.Select(r => r.Customer), Is.EquivalentTo(new[]
        {
            "customer1@example.test", "customer2@example.test", "customer3@example.test", "customer4@example.test",
        }), "one ticket per customer: Ann's reply joins her ticket and the out-of-office (customer5) makes none\n" + output);
        Assert.That(rows.Select(r => r.Subject), Does.Contain("Printer in the office prints blank pages")
            .And.Contain("مشکل در دریافت فاکتور ماه گذشته")
            .And.Contain("Не могу войти в личный кабинет")
            .And.Contain("Η παραγγελία μου δεν έχει φτάσει ακόμα"));
        Assert.That(output, Does.Contain("acknowledgement in customer1@example.test's INBOX")
            .And.Contain("To: Ann Baker <customer1@example.test>")
            .And.Match(@"Subject: Re: Printer in the office prints blank pages \[#\d+\]")
            .And.Contain("Dear Ann Baker"), output);

        // agent1 answered the notification by submission with "#priority high" on the first line and the
        // notification quoted: Ann got the text only, from support@ in the agent's name, in her thread.
        var answer = Section(output, "the agent's answer in customer1@example.test's INBOX");
        Assert.That(answer, Does.Contain("From: \"Agent One (Support)\" <support@example.test>")
            .And.Match(@"Subject: Re: Printer in the office prints blank pages \[#\d+\]")
            .And.Contain("\"Error 79\" is a firmware fault of the M404"), output);
        Assert.That(answer, Does.Not.Contain("#priority").And.Not.Contain("wrote:").And.Not.Contain("A new ticket has been opened"), output);
        Assert.That(Section(output, "ticket #"), Does.Contain("status pending, priority high, team support, owner agent1@example.test")
            .And.Match(@"first response \d{4}-\d\d-\d\d \d\d:\d\d UTC"), output);
    }

    /// <summary>The demo's output from the "== HEADING…" line to the next "== " heading.</summary>
    private static string Section(string output, string heading)
    {
        var start = output.IndexOf("== " + heading, StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"no section \"{heading}\" in the demo's output:\n{output}");
        var end = output.IndexOf("\n== ", start + 3, StringComparison.Ordinal);
        return end < 0 ? output[start..] : output[start..end];
    }

    private static bool IsListening(int port)
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

    private static async Task<string> RunAsync(string file, string[] args, string directory, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("TICKETWORKER_DEMO_STACK");
        info.Environment.Remove("TICKETWORKER_CONFIG");
        foreach (var (key, value) in environment) info.Environment[key] = value;
        using var p = Process.Start(info)!;
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{file} did not finish within {Limit}");
        }
        var all = await output + await error;
        Assert.That(p.ExitCode, Is.Zero, $"{file} {string.Join(' ', args)} failed:\n{all}");
        return all;
    }
}
