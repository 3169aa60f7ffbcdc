using System.Diagnostics;
using System.Globalization;
using TicketWorker.Outbox;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Outbox;

/// <summary>
/// The outbox's sent journal: the server's acceptance recorded in one write() per mail, reconciled
/// into the outbox table before every claim, and a dead worker's journal taken over by the next one.
/// </summary>
public sealed class SentJournalTests
{
    [Test]
    public void ReadingGivesTheAcceptedRowsAndTheOnesInFlightAndSkipsATornLine()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, SentJournal.FileName("host:1:abc"));
        var note = "sent; refused recipients: <x@example.test> 550 no such user";
        File.WriteAllText(path,
            "try 1\nsent 1 1764669600000 -\n" +
            $"try 2\nsent 2 1764669601000 {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(note))}\n" +
            "try 3\ndata 3\ntry 4\nsen");

        var content = SentJournal.Read(path);

        Assert.That(content.Sent, Is.EqualTo(new[]
        {
            new SentEntry(1, DateTimeOffset.FromUnixTimeMilliseconds(1764669600000), null),
            new SentEntry(2, DateTimeOffset.FromUnixTimeMilliseconds(1764669601000), note),
        }));
        Assert.That(content.InFlight, Is.EqualTo(new[] { 3L, 4L }), "begun, never recorded as accepted");
        Assert.That(content.AfterData, Is.EqualTo(new[] { 3L }), "its data written: the server may have it");
        Assert.That(SentJournal.WorkerOf(path), Is.EqualTo("host:1:abc"));
    }

    [Test, CancelAfter(60_000)]
    public async Task EverySendIsJournaledAndInTheTableWhenTheRoundEnds()
    {
        using var h = await OutboxHarness.StartAsync();
        var row = (await h.EnqueueAsync("customer17@example.test")).Item;
        var sender = h.Sender("journal-worker");

        var result = await sender.RunOnceAsync();

        Assert.That((result.Claimed, result.Sent), Is.EqualTo((1, 1)), (await h.RowAsync(row.Id)).LastError);
        Assert.That((await h.RowAsync(row.Id)).Status, Is.EqualTo(OutboxStatus.Sent), "reconciled at the end of the round");
        var journal = Directory.GetFiles(JournalRoot(h), SentJournal.FileName("journal-worker"), SearchOption.AllDirectories).Single();
        var content = SentJournal.Read(journal);
        Assert.That(content.Sent.Select(e => e.Row), Is.EqualTo(new[] { row.Id }));
        Assert.That(content.InFlight, Is.Empty);
        Assert.That(File.ReadAllText(journal), Is.EqualTo($"try {row.Id}\ndata {row.Id}\n{File.ReadAllLines(journal)[2]}\n"), "try, data, sent: in that order");
        Assert.That(File.ReadAllLines(journal)[2], Does.StartWith($"sent {row.Id} "));
    }

    [Test, CancelAfter(60_000)]
    public async Task ARowADeadWorkerJournaledAsSentIsNeverSentAgain()
    {
        using var h = await OutboxHarness.StartAsync();
        var sender = h.Sender("survivor");
        await sender.RunOnceAsync(); // nothing due; the database has its journal id from now on
        var id = await h.App.Database.InReadAsync(tx => h.App.SettingsStore.GetAsync(tx, "outbox:journal-database-id"));
        var folder = Directory.CreateDirectory(Path.Combine(JournalRoot(h), id!)).FullName;
        var row = (await h.EnqueueAsync("customer18@example.test")).Item;
        // A worker of this host that the server accepted the row from, killed before its database commit.
        var dead = $"{Environment.MachineName}:{DeadPid()}:a1b2c3";
        var acceptedAt = h.Time.GetUtcNow();
        File.WriteAllText(Path.Combine(folder, SentJournal.FileName(dead)),
            string.Create(CultureInfo.InvariantCulture, $"try {row.Id}\nsent {row.Id} {acceptedAt.ToUnixTimeMilliseconds()} -\n"));

        var result = await sender.RunOnceAsync();

        Assert.That(result.Claimed, Is.Zero, "reconciled before the claim");
        var stored = await h.RowAsync(row.Id);
        Assert.That(stored.Status, Is.EqualTo(OutboxStatus.Sent));
        Assert.That(stored.SentAt, Is.EqualTo(acceptedAt).Within(TimeSpan.FromMilliseconds(1)), "the time the journal recorded");
        Assert.That(File.Exists(Path.Combine(folder, SentJournal.FileName(dead))), Is.False, "the dead worker's journal is deleted once committed");
        Assert.That(await OutboxMailStack.CountInInboxAsync("customer18", row.MessageId, wait: TimeSpan.FromSeconds(1)), Is.Zero, "not sent again");
    }

    private static string JournalRoot(OutboxHarness h) =>
        Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(h.App.Database.Options.RawMailPath))!, "outbox-journal");

    /// <summary>The pid of a process of this host that has ended.</summary>
    private static int DeadPid()
    {
        using var p = Process.Start("true")!;
        p.WaitForExit();
        return p.Id;
    }
}
