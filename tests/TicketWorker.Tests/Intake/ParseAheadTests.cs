using TicketWorker.Intake;

namespace TicketWorker.Tests.Intake;

/// <summary>The sliding window intake parses in: order, bounds, failures per item, and nothing left running.</summary>
public class ParseAheadTests
{
    [Test]
    public async Task ItemsComeOutInOrderWhateverOrderTheyFinishIn()
    {
        var random = new Random(7);
        var delays = Enumerable.Range(0, 200).Select(_ => random.Next(0, 3)).ToArray();
        await using var ahead = new ParseAhead<int>(200, workers: 3, window: 8, async (i, ct) =>
        {
            await Task.Delay(delays[i], ct);
            return i * 10;
        }, CancellationToken.None);

        for (var i = 0; i < 200; i++)
        {
            Assert.That(await ahead.TakeAsync(i), Is.EqualTo(i * 10));
            ahead.Done(i);
        }
    }

    [Test]
    public async Task NeverClaimsMoreThanTheWindowBeyondWhatWasGivenBack()
    {
        var started = 0;
        await using var ahead = new ParseAhead<int>(100, workers: 2, window: 5, (i, _) =>
        {
            Interlocked.Increment(ref started);
            return Task.FromResult(i);
        }, CancellationToken.None);

        for (var i = 0; i < 5; i++) await ahead.TakeAsync(i);
        await Task.Delay(50);
        Assert.That(Volatile.Read(ref started), Is.EqualTo(5), "five taken, none given back: the window is full");

        ahead.Done(0);
        ahead.Done(1);
        await WaitUntilAsync(() => Volatile.Read(ref started) == 7);
        await Task.Delay(50);
        Assert.That(Volatile.Read(ref started), Is.EqualTo(7), "two given back: two more claimed, no more");
    }

    [Test]
    public async Task EarlyItemsArePreparedBeforeTheWindowReachesThem()
    {
        var prepared = new System.Collections.Concurrent.ConcurrentQueue<int>();
        await using var ahead = new ParseAhead<int>(50, workers: 1, window: 2, (i, _) =>
        {
            prepared.Enqueue(i);
            return Task.FromResult(i * 10);
        }, CancellationToken.None, early: [40, 30]);

        // Nothing given back: the window stops at items 0 and 1, the early ones are prepared all the same.
        await WaitUntilAsync(() => prepared.Count == 4);
        await Task.Delay(50);
        Assert.That(prepared.Order(), Is.EqualTo(new[] { 0, 1, 30, 40 }));
        Assert.That(prepared.Where(i => i >= 30), Is.EqualTo(new[] { 40, 30 }), "in the order given");

        // Taken in order, each item prepared once: the window skips the early ones.
        for (var i = 0; i < 50; i++)
        {
            Assert.That(await ahead.TakeAsync(i), Is.EqualTo(i * 10));
            ahead.Done(i);
        }
        Assert.That(prepared.Count, Is.EqualTo(50));
        Assert.That(prepared.Distinct().Count(), Is.EqualTo(50));
    }

    [Test]
    public async Task PreparesNoMoreItemsAtOnceThanThereAreWorkers()
    {
        var running = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var ahead = new ParseAhead<int>(10, workers: 2, window: 10, async (i, _) =>
        {
            Interlocked.Increment(ref running);
            await gate.Task;
            return i;
        }, CancellationToken.None);

        await WaitUntilAsync(() => Volatile.Read(ref running) == 2);
        await Task.Delay(50);
        Assert.That(Volatile.Read(ref running), Is.EqualTo(2));

        gate.SetResult();
        for (var i = 0; i < 10; i++)
        {
            Assert.That(await ahead.TakeAsync(i), Is.EqualTo(i));
            ahead.Done(i);
        }
    }

    [Test]
    public async Task AFailureIsThrownForItsOwnItemOnly()
    {
        await using var ahead = new ParseAhead<int>(6, workers: 2, window: 6,
            (i, _) => i == 3 ? throw new InvalidDataException("item 3 is bad") : Task.FromResult(i), CancellationToken.None);

        for (var i = 0; i < 6; i++)
        {
            if (i == 3)
                Assert.That(async () => await ahead.TakeAsync(i), Throws.TypeOf<InvalidDataException>().With.Message.EqualTo("item 3 is bad"));
            else
                Assert.That(await ahead.TakeAsync(i), Is.EqualTo(i));
            ahead.Done(i);
        }
    }

    [Test]
    public async Task DisposingStopsTheWorkersAndWaitsForTheItemsInHand()
    {
        var started = 0;
        var finished = 0;
        var inHand = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ahead = new ParseAhead<int>(1000, workers: 2, window: 4, async (i, ct) =>
        {
            Interlocked.Increment(ref started);
            inHand.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
                return i;
            }
            finally
            {
                Interlocked.Increment(ref finished);
            }
        }, CancellationToken.None);
        await inHand.Task;

        await ahead.DisposeAsync();

        var startedAtDispose = Volatile.Read(ref started);
        Assert.That(Volatile.Read(ref finished), Is.EqualTo(startedAtDispose), "every item in hand ended before DisposeAsync returned");
        Assert.That(startedAtDispose, Is.InRange(1, 4), "no more than the window was ever claimed");
        await Task.Delay(20);
        Assert.That(Volatile.Read(ref started), Is.EqualTo(startedAtDispose), "nothing starts after DisposeAsync");
    }

    [Test]
    public async Task AnItemGivenBackCannotBeTakenAgain()
    {
        await using var ahead = new ParseAhead<int>(2, workers: 1, window: 2, (i, _) => Task.FromResult(i), CancellationToken.None);
        await ahead.TakeAsync(0);
        ahead.Done(0);

        Assert.That(() => ahead.TakeAsync(0), Throws.InvalidOperationException);
        Assert.That(await ahead.TakeAsync(1), Is.EqualTo(1));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("condition not reached in 10 s");
            await Task.Delay(5);
        }
    }
}
