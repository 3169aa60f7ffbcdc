using System.Diagnostics;
using MimeKit;

namespace TicketWorker.Tests.Faults;

/// <summary>
/// A real auto-responder on the other side: customer5's mailbox answers every mail it may answer
/// with a Sieve vacation reply (Dovecot Pigeonhole on the fault stack's LMTP, no minimum period).
/// The customer keeps writing new requests and an agent writes to them from support@ (which the
/// responder answers to support@): at most ack.max_per_day automatic mails go to the customer, the
/// responder's replies start no ticket and get no answer, and the exchange stops.
/// </summary>
[NonParallelizable]
public class AutoReplyLoopTests
{
    private const string Customer = "customer5";
    private const int MaxPerDay = 3;

    [TearDown]
    public void TearDown()
    {
        FaultStack.Stack.VacationOff(Customer);
        FaultStack.Stack.Up();
    }

    private static bool IsAutomatic(HeaderList h) =>
        h[HeaderId.AutoSubmitted] is { } value && !value.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase);

    private static bool FromSupport(HeaderList h) => h[HeaderId.From]?.Contains("support@example.test", StringComparison.OrdinalIgnoreCase) == true;

    [Test]
    [CancelAfter(180_000)]
    public async Task AVacationResponderAndTheWorkerDoNotLoopAndTheCustomerGetsAtMostMaxPerDayAutomaticMails(CancellationToken cancellationToken)
    {
        var stack = FaultStack.Stack;
        await stack.EmptyInboxAsync("support", cancellationToken);
        await stack.EmptyInboxAsync(Customer, cancellationToken);
        stack.Vacation(Customer);
        using var w = new FaultWorker(stack, ackMaxPerDay: MaxPerDay);
        using var worker = w.Start();
        await w.WaitForAsync("SELECT COUNT(*) FROM mailbox_checkpoints WHERE connected = 1", n => n >= 1, cancellationToken, 100, worker);

        var clock = Stopwatch.StartNew();
        const int requests = 2 * MaxPerDay;
        for (var i = 0; i < requests; i++)
        {
            await stack.SendAsync(Customer, "support", [FaultMail.Bytes($"""
                From: Customer Five <{Customer}@example.test>
                To: support@example.test
                Subject: loop request {i}
                Message-ID: <loop-{i}@faults.example.org>

                Request {i}.
                """)], cancellationToken);
            // An agent writes to the customer from the shared mailbox: not automatic, so the
            // responder answers it, to support@. Vacation answers a sender once per second here.
            await stack.SendAsync("support", Customer, [FaultMail.Bytes($"""
                From: Support <support@example.test>
                To: {Customer}@example.test
                Subject: Question about your request {i}
                Message-ID: <agent-{i}@faults.example.org>

                Could you tell us more?
                """)], cancellationToken);
            await Task.Delay(1200, cancellationToken);
        }

        await w.WaitForAsync(FaultWorker.Tickets, n => n >= requests, cancellationToken, 100, worker);
        // The exchange has ended when neither INBOX changes for 10 s.
        var last = (-1, -1);
        var stableSince = Stopwatch.StartNew();
        IReadOnlyList<HeaderList> customerInbox = [], supportInbox = [];
        while (stableSince.Elapsed < TimeSpan.FromSeconds(10))
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(120)), "the exchange does not end");
            customerInbox = await stack.InboxHeadersAsync(Customer, cancellationToken);
            supportInbox = await stack.InboxHeadersAsync("support", cancellationToken);
            var now = (customerInbox.Count, supportInbox.Count);
            if (now != last) stableSince.Restart();
            last = now;
            await Task.Delay(500, cancellationToken);
        }
        TestContext.Progress.WriteLine($"exchange ended after {clock.Elapsed.TotalSeconds:F1} s: {customerInbox.Count} mails in {Customer}'s INBOX, {supportInbox.Count} in support's");
        Assert.That(worker.HasExited, Is.False);

        var automaticToCustomer = customerInbox.Count(h => FromSupport(h) && IsAutomatic(h));
        var vacationReplies = supportInbox.Count(h => h[HeaderId.From]?.Contains(Customer, StringComparison.OrdinalIgnoreCase) == true && IsAutomatic(h));
        TestContext.Progress.WriteLine($"automatic mails to the customer: {automaticToCustomer}; vacation replies to support: {vacationReplies}");
        Assert.Multiple(async () =>
        {
            Assert.That(vacationReplies, Is.GreaterThan(0), "the responder answered (it is real and active)");
            Assert.That(automaticToCustomer, Is.EqualTo(MaxPerDay), "automatic mails to the customer: ack.max_per_day");
            Assert.That(await w.ScalarAsync("SELECT COUNT(*) FROM outbox", cancellationToken), Is.EqualTo(MaxPerDay), "mails the worker queued");
            Assert.That(await w.ScalarAsync(FaultWorker.Tickets, cancellationToken), Is.EqualTo(requests), "the vacation replies open no ticket");
        });
        Assert.That(worker.Terminate(TimeSpan.FromSeconds(30)), Is.True);
    }
}
