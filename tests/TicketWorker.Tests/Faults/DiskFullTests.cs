using System.Diagnostics;

namespace TicketWorker.Tests.Faults;

/// <summary>
/// The raw-mail folder on a full file system (a 4 MB tmpfs mounted for the test; mounting needs
/// root, which the test machines and CI have — elsewhere the test fails and says so): the message is
/// not marked processed, nothing is quarantined, and it is ticketed once space returns.
/// </summary>
[NonParallelizable]
public class DiskFullTests
{
    private string? _mount;

    [TearDown]
    public void TearDown()
    {
        FaultStack.Stack.Up();
        if (_mount is null) return;
        Run("umount", "-l", _mount);
        try { Directory.Delete(_mount, recursive: true); } catch (IOException) { }
    }

    private static (int Code, string Output) Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }

    /// <summary>The worker's logins so far, from the fault stack's Dovecot log (the test's own APPEND logs in too: count around it).</summary>
    private static int WorkerLogins() =>
        File.ReadLines(Path.Combine(FaultStack.StateDirectory, "log", "dovecot.log")).Count(l => l.Contains("Login: user=<support@example.test>", StringComparison.Ordinal));

    [Test]
    [CancelAfter(180_000)]
    public async Task MessageIsNotMarkedProcessedWhileTheRawFolderIsFullAndIsTicketedWhenSpaceReturns(CancellationToken cancellationToken)
    {
        var mount = "/tmp/tw-faults-rawfs-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(mount);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount);
        if (code == 0) _mount = mount;
        else
        {
            Directory.Delete(mount);
            Assert.Fail($"this test needs to mount a small tmpfs (root): mount -t tmpfs said: {output.Trim()}");
        }

        var stack = FaultStack.Stack;
        await stack.EmptyInboxAsync("support", cancellationToken);
        using var w = new FaultWorker(stack, rawMailPath: Path.Combine(mount, "raw"));
        using var worker = w.Start();
        await stack.AppendAsync("support", [FaultMail.Request("diskfull", 0)], cancellationToken);
        await w.WaitForAsync(FaultWorker.Tickets, n => n >= 1, cancellationToken, 50, worker);
        // The checkpoint moves after the batch: wait for it to hold the first message.
        await w.WaitForAsync("SELECT COUNT(*) FROM mailbox_checkpoints WHERE backlog = 0 AND last_uid > 0", n => n >= 1, cancellationToken, 50, worker);
        var checkpoint = await w.ScalarAsync("SELECT last_uid FROM mailbox_checkpoints", cancellationToken);

        // Fill the file system to the last byte.
        var filler = Path.Combine(mount, "filler");
        // Unbuffered, so nothing is left to flush on dispose; big blocks, then smaller ones, to the last byte.
        using (var f = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            foreach (var size in new[] { 64 * 1024, 4096, 1 })
            {
                var block = new byte[size];
                try
                {
                    while (true) f.Write(block);
                }
                catch (IOException)
                {
                    // ENOSPC for this block size.
                }
            }
        }

        var clock = Stopwatch.StartNew();
        await stack.AppendAsync("support", [FaultMail.Request("diskfull", 1)], cancellationToken);
        var loginsBefore = WorkerLogins();
        await Task.Delay(TimeSpan.FromSeconds(6), cancellationToken);
        var logins = WorkerLogins() - loginsBefore;
        TestContext.Progress.WriteLine($"while full: {logins} IMAP logins in 6 s");
        Assert.Multiple(async () =>
        {
            Assert.That(worker.HasExited, Is.False, "the worker keeps running");
            // Every login succeeds while every batch fails: the backoff must not reset on the login
            // (it did: a login about every second, 5 in these 6 s on a loaded machine). Growing from 1 s
            // (jittered 0.5–1, 1–2, 2–4 s) leaves room for at most 4.
            Assert.That(logins, Is.InRange(1, 4), "reconnects back off while the batch cannot commit");
            Assert.That(await w.ScalarAsync(FaultWorker.Tickets, cancellationToken), Is.EqualTo(1), "no ticket while the disk is full");
            Assert.That(await w.ScalarAsync("SELECT COUNT(*) FROM quarantine", cancellationToken), Is.Zero, "not quarantined");
            Assert.That(await w.ScalarAsync("SELECT last_uid FROM mailbox_checkpoints", cancellationToken), Is.EqualTo(checkpoint), "not marked processed");
        });
        var error = await w.RowsAsync("SELECT last_error FROM mailbox_checkpoints", cancellationToken);
        TestContext.Progress.WriteLine($"while full: last error '{error[0][0]}'");

        File.Delete(filler);
        await w.WaitForAsync(FaultWorker.Tickets, n => n >= 2, cancellationToken, 100, worker);
        TestContext.Progress.WriteLine($"ticketed {clock.Elapsed.TotalSeconds:F1} s after it arrived (6 s of it on a full disk)");
        Assert.That(worker.Terminate(TimeSpan.FromSeconds(30)), Is.True);
        await w.AssertEachMessageInExactlyOneTicketAsync([FaultMail.MessageId("diskfull", 0), FaultMail.MessageId("diskfull", 1)], cancellationToken);
        Assert.That(await w.ScalarAsync("SELECT last_uid FROM mailbox_checkpoints", cancellationToken), Is.GreaterThan(checkpoint), "marked processed after the commit");
    }
}
