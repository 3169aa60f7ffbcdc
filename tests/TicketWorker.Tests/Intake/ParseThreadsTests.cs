using TicketWorker.Hosting;
using TicketWorker.Intake;

namespace TicketWorker.Tests.Intake;

/// <summary>The threads intake parses on: below the writer's priority, never making one mailbox's parsing wait for another's.</summary>
public class ParseThreadsTests
{
    [Test]
    public async Task WorkRunsOnAParseThreadBelowTheCallersPriority()
    {
        (bool OnParseThread, int? Nice, string? Name) seen = default;
        await ParseThreads.Run(() => seen = (ParseThreads.IsCurrent, ThreadNice.Get(), Thread.CurrentThread.Name));

        Assert.That(seen.OnParseThread, Is.True);
        Assert.That(seen.Name, Is.EqualTo("intake parse"));
        Assert.That(ParseThreads.IsCurrent, Is.False, "the caller is not one");
        if (OperatingSystem.IsLinux())
            Assert.That(seen.Nice, Is.EqualTo(10).And.GreaterThan(ThreadNice.Get()!.Value));
    }

    [Test]
    public async Task WorkGivenWhileTheOtherThreadsAreBusyStartsAtOnce()
    {
        // Five loops that each wait for all five to run: with a fixed set of threads smaller than that, they never would.
        const int Loops = 5;
        using var running = new CountdownEvent(Loops);
        var loops = Enumerable.Range(0, Loops).Select(_ => ParseThreads.Run(() =>
        {
            running.Signal();
            if (!running.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("a loop waited for a thread");
        })).ToList();

        await Task.WhenAll(loops);
        Assert.That(running.CurrentCount, Is.Zero);
    }

    [Test]
    public void WhatTheWorkThrowsEndsItsTask()
    {
        var failed = ParseThreads.Run(() => throw new InvalidDataException("bad message"));
        Assert.That(async () => await failed, Throws.TypeOf<InvalidDataException>().With.Message.EqualTo("bad message"));
    }
}
