using System.Diagnostics;
using TicketWorker.Tests.Infrastructure;

namespace TicketWorker.Tests.Faults;

/// <summary>
/// The fault stack's own servers stopped under a running worker process: Postfix while the
/// acknowledgements go out, Dovecot while the worker idles and while it fetches. Nothing is lost,
/// nothing doubled, and the worker resumes by itself.
/// </summary>
[NonParallelizable]
public class ServerOutageTests
{
    [TearDown]
    public void TearDown() => FaultStack.Stack.Up();

    private static async Task FreshAsync(IEnumerable<string> users, CancellationToken cancellationToken)
    {
        foreach (var u in users) await FaultStack.Stack.EmptyInboxAsync(u, cancellationToken);
    }

    private static List<string> Customers => Enumerable.Range(0, 20).Select(FaultMail.Customer).ToList();

    [Test]
    [CancelAfter(300_000)]
    public async Task MailQueuedWhilePostfixIsDownIsDeliveredOnceWhenItReturns(CancellationToken cancellationToken)
    {
        const int count = 60;
        var stack = FaultStack.Stack;
        await FreshAsync(Customers.Append("support"), cancellationToken);
        await stack.AppendAsync("support", Enumerable.Range(0, count / 2).Select(i => FaultMail.Request("smtpdown", i)), cancellationToken);
        using var w = new FaultWorker(stack);
        using var worker = w.Start();

        // Stopped while sending: after the first acknowledgements went out; the second half of the
        // mail arrives while it is down.
        var before = await w.WaitForAsync(FaultWorker.SentAcks, n => n >= 5, cancellationToken, 5, worker);
        var clock = Stopwatch.StartNew();
        stack.StopPostfix();
        var whileDown = await w.ScalarAsync(FaultWorker.SentAcks, cancellationToken);
        await stack.AppendAsync("support", Enumerable.Range(count / 2, count - count / 2).Select(i => FaultMail.Request("smtpdown", i)), cancellationToken);
        await w.WaitForAsync(FaultWorker.Tickets, n => n >= count, cancellationToken, 100, worker);
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        var stillDown = await w.ScalarAsync(FaultWorker.SentAcks, cancellationToken);
        TestContext.Progress.WriteLine($"postfix stopped after {before} acks sent; {whileDown} when it stopped, {stillDown} after {clock.Elapsed.TotalSeconds:F1} s down");
        Assert.That(stillDown, Is.LessThan(count), "acknowledgements were waiting while Postfix was down");
        Assert.That(await w.ScalarAsync("SELECT COUNT(*) FROM outbox WHERE status = 'failed'", cancellationToken), Is.Zero, "a server that is down never fails rows");

        stack.Up();
        await w.WaitForAsync(FaultWorker.SentAcks, n => n >= count, cancellationToken, 100, worker);
        TestContext.Progress.WriteLine($"all {count} sent {clock.Elapsed.TotalSeconds:F1} s after postfix stopped");
        Assert.That(worker.Terminate(TimeSpan.FromSeconds(30)), Is.True);

        await w.AssertEachMessageInExactlyOneTicketAsync(Enumerable.Range(0, count).Select(i => FaultMail.MessageId("smtpdown", i)).ToList(), cancellationToken);
        var acks = await WaitForAcksAsync(w, count, cancellationToken);
        // Postfix stopped in the middle of its own LMTP delivery to Dovecot delivers that queue file again
        // after its restart: a second copy with the same queue ID, which no sender can prevent (the failed
        // CI run of 2026-12-02 had three). Reported, not counted against the worker.
        TestContext.Progress.WriteLine($"{acks.Values.Sum(a => a.Copies)} acknowledgement copies for {acks.Count} tickets; handed to Postfix twice: {acks.Values.Count(a => a.Submissions.Count == 2)}; delivered again by Postfix itself after its restart: {acks.Values.Sum(a => a.Copies - a.Submissions.Count)}");
        Assert.Multiple(() =>
        {
            Assert.That(acks, Has.Count.EqualTo(count), "every acknowledgement delivered");
            Assert.That(acks.Values.Where(a => a.Submissions.Count == 0), Is.Empty, "every copy came through Postfix's smtpd (its Received line names the queue ID)");
            // One mail may be in flight when Postfix stops: if Postfix had queued it but its "250" never
            // reached us, the retry hands it over again (RFC 1047; the sender cannot tell the two apart).
            // Anything beyond that one would be our duplicate.
            Assert.That(acks.Values.Where(a => a.Submissions.Count > 2), Is.Empty, "no acknowledgement handed to Postfix more than twice");
            Assert.That(acks.Values.Count(a => a.Submissions.Count == 2), Is.LessThanOrEqualTo(1), "at most the one mail in flight when Postfix stopped is handed over twice");
        });
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task IntakeResumesByItselfAfterDovecotRestartsDuringIdle(CancellationToken cancellationToken)
    {
        var stack = FaultStack.Stack;
        await FreshAsync(["support"], cancellationToken);
        using var w = new FaultWorker(stack);
        using var worker = w.Start();
        await stack.AppendAsync("support", [FaultMail.Request("idle", 0)], cancellationToken);
        await w.WaitForAsync(FaultWorker.Tickets, n => n >= 1, cancellationToken, 50, worker);
        // The worker is now in IDLE on the folder.
        await Task.Delay(1000, cancellationToken);

        var clock = Stopwatch.StartNew();
        stack.StopDovecot();
        await Task.Delay(2000, cancellationToken);
        stack.Up();
        await stack.AppendAsync("support", [FaultMail.Request("idle", 1)], cancellationToken);
        await w.WaitForAsync(FaultWorker.Tickets, n => n >= 2, cancellationToken, 50, worker);
        TestContext.Progress.WriteLine($"dovecot restarted during IDLE: the next mail ticketed {clock.Elapsed.TotalSeconds:F1} s after the stop");
        Assert.That(worker.Terminate(TimeSpan.FromSeconds(30)), Is.True);
        await w.AssertEachMessageInExactlyOneTicketAsync([FaultMail.MessageId("idle", 0), FaultMail.MessageId("idle", 1)], cancellationToken);
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task IntakeResumesByItselfAfterDovecotRestartsDuringAFetchAndLosesNothing(CancellationToken cancellationToken)
    {
        // Intake commits a fetched batch of 500 at once and fetches the next after it. The worker reads
        // through a relay that, once the first batch is committed, holds the server's next bytes (a later
        // batch's FETCH answer), stops Dovecot and cuts the connection: the stop lands inside a FETCH on any
        // machine, however fast intake is.
        const int count = 2500;
        var stack = FaultStack.Stack;
        await FreshAsync(["support"], cancellationToken);
        await stack.AppendAsync("support", Enumerable.Range(0, count).Select(i => FaultMail.Request("fetch", i)), cancellationToken);
        await using var relay = new CuttingTcpRelay(stack.ImapPort);
        using var w = new FaultWorker(stack, imapPort: relay.Port);
        using var worker = w.Start();
        var at = await w.WaitForAsync(FaultWorker.Tickets, n => n >= 1, cancellationToken, 5, worker);

        var clock = Stopwatch.StartNew();
        relay.Arm(stack.StopDovecot);
        var relayed = await relay.Cut.WaitAsync(cancellationToken);
        var whenStopped = await w.ScalarAsync(FaultWorker.Tickets, cancellationToken);
        stack.Up();
        await w.WaitForAsync(FaultWorker.Tickets, n => n >= count, cancellationToken, 100, worker);
        TestContext.Progress.WriteLine($"dovecot stopped inside a server answer ({relayed:N0} bytes into the connection) at {at}–{whenStopped} of {count} tickets; all ticketed {clock.Elapsed.TotalSeconds:F1} s later");
        Assert.That(whenStopped, Is.LessThan(count), "the restart fell in the fetch");
        Assert.That(worker.Terminate(TimeSpan.FromSeconds(30)), Is.True);
        await w.AssertEachMessageInExactlyOneTicketAsync(Enumerable.Range(0, count).Select(i => FaultMail.MessageId("fetch", i)).ToList(), cancellationToken);
    }

    internal static async Task<Dictionary<long, (HashSet<string> Ids, int Copies, HashSet<string> Submissions)>> WaitForAcksAsync(FaultWorker w, int count, CancellationToken cancellationToken)
    {
        Dictionary<long, (HashSet<string> Ids, int Copies, HashSet<string> Submissions)> acks = [];
        // Postfix delivers within milliseconds of accepting; a few seconds of grace on a loaded machine.
        var clock = Stopwatch.StartNew();
        do
        {
            acks = await w.AcksInInboxesAsync(Customers, cancellationToken);
            if (acks.Count >= count) break;
            await Task.Delay(500, cancellationToken);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(20));
        return acks;
    }
}
