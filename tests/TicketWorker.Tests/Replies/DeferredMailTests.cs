using TicketWorker.Replies;

namespace TicketWorker.Tests.Replies;

/// <summary>
/// The batch's mail composed beside the writer: stored in the order asked for, whatever order it is
/// composed in; a composing failure names the message that asked for it; never more than
/// <see cref="DeferredMail.MaxPending"/> outstanding.
/// </summary>
public class DeferredMailTests
{
    [Test]
    public async Task MailIsStoredInTheOrderItWasAskedForEvenWhenALaterOneIsComposedFirst()
    {
        await using var mail = new DeferredMail();
        var first = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stored = new List<string>();
        Task Store(string s, CancellationToken _)
        {
            stored.Add(s);
            return Task.CompletedTask;
        }

        await mail.AddAsync(() => first.Task, Store, CancellationToken.None);
        await mail.AddAsync(() => Task.FromResult("second"), Store, CancellationToken.None);
        // The second is composed, but the first is not: nothing may be stored ahead of it.
        await Task.Delay(50);
        await mail.StoreReadyAsync(CancellationToken.None);
        Assert.That(stored, Is.Empty);

        first.SetResult("first");
        await mail.StoreAllAsync(CancellationToken.None);
        Assert.That(stored, Is.EqualTo(new[] { "first", "second" }));
        Assert.That(mail.Pending, Is.Zero);
    }

    [Test]
    public async Task AComposingFailureIsRethrownAtStoreTimeNamingTheMessageThatAskedForIt()
    {
        await using var mail = new DeferredMail();
        var stored = new List<int>();
        mail.Owner = 3;
        await mail.AddAsync<int>(() => throw new ArgumentException("8-bit byte"), (v, _) => { stored.Add(v); return Task.CompletedTask; }, CancellationToken.None);
        mail.Owner = 4;
        await mail.AddAsync(() => Task.FromResult(4), (v, _) => { stored.Add(v); return Task.CompletedTask; }, CancellationToken.None);

        var e = Assert.ThrowsAsync<DeferredMailException>(() => mail.StoreAllAsync(CancellationToken.None));
        Assert.That(e!.Owner, Is.EqualTo(3), "the message whose mail failed, not the one being written when it surfaced");
        Assert.That(e.InnerException, Is.TypeOf<ArgumentException>());
        Assert.That(stored, Is.Empty, "nothing of the failed mail is stored");
    }

    [Test]
    public async Task TheWriterWaitsForTheOldestWhenMoreThanMaxPendingAreOutstanding()
    {
        await using var mail = new DeferredMail();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stored = 0;
        Task Store(int _, CancellationToken __)
        {
            stored++;
            return Task.CompletedTask;
        }

        async Task<int> Blocked()
        {
            await gate.Task;
            return 1;
        }

        for (var i = 0; i < DeferredMail.MaxPending; i++)
            Assert.That(mail.AddAsync(Blocked, Store, CancellationToken.None).IsCompleted, Is.True, $"mail {i + 1} of {DeferredMail.MaxPending} is taken without waiting");
        var over = mail.AddAsync(Blocked, Store, CancellationToken.None);
        await Task.Delay(50);
        Assert.That(over.IsCompleted, Is.False, "one more than MaxPending waits for the oldest");

        gate.SetResult();
        await over;
        Assert.That(mail.Pending, Is.LessThanOrEqualTo(DeferredMail.MaxPending));
        await mail.StoreAllAsync(CancellationToken.None);
        Assert.That(stored, Is.EqualTo(DeferredMail.MaxPending + 1));
    }

    [Test]
    public async Task ABatchThatIsDiscardedWaitsForItsOutstandingMailAndStoresNothing()
    {
        var mail = new DeferredMail();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = false;
        var stored = false;
        await mail.AddAsync(async () =>
        {
            await gate.Task;
            finished = true;
            return 1;
        }, (_, _) => { stored = true; return Task.CompletedTask; }, CancellationToken.None);
        await mail.AddAsync<int>(() => throw new InvalidOperationException("a failure nobody stores"), (_, _) => Task.CompletedTask, CancellationToken.None);

        var disposing = mail.DisposeAsync().AsTask();
        await Task.Delay(50);
        Assert.That(disposing.IsCompleted, Is.False, "disposal waits for the mail still being composed");
        gate.SetResult();
        await disposing;
        Assert.That((finished, stored, mail.Pending), Is.EqualTo((true, false, 0)));
    }
}
