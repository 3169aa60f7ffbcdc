using System.Text;
using TicketWorker.Intake;
using TicketWorker.Tests.Intake;

namespace TicketWorker.Tests.Storage;

/// <summary>SQLite's write-ahead log is copied into the database file in the background after an intake batch, not inside a later commit.</summary>
public class SqliteCheckpointerTests
{
    private IngestHarness _h = null!;

    [SetUp]
    public async Task SetUp() => _h = await IngestHarness.StartAsync();

    [TearDown]
    public void TearDown() => _h?.Dispose();

    private string DatabaseFile => Path.Combine(_h.DataPath, "tw.db");

    [Test]
    public async Task AnIntakeBatchReachesTheDatabaseFileWithoutALaterCommit()
    {
        await _h.App.Database.IdleAsync();
        var before = new FileInfo(DatabaseFile).Length;

        // ~2 MB of text: far below the automatic checkpoint's 64 MB, so only the background checkpoint copies it.
        var body = string.Join("\r\n", Enumerable.Repeat("The printer on the third floor prints blank pages again.", 800));
        await using (var segment = _h.App.RawStore.BeginSegment())
        {
            var items = new List<IngestBatchItem>();
            for (var i = 0; i < 40; i++)
            {
                var raw = Encoding.UTF8.GetBytes($"From: customer{i}@example.com\r\nTo: support@example.test\r\nSubject: Blank pages {i}\r\n" +
                    $"Message-ID: <blank-{i}@example.com>\r\nDate: Fri, 04 Dec 2026 08:00:00 +0000\r\n\r\n{body}\r\n");
                var (reference, fullSize) = await segment.AppendAsync(new MemoryStream(raw));
                items.Add(new IngestBatchItem(reference, new IngestSource("support", i + 1), fullSize));
            }
            var results = await _h.App.Ingest.IngestBatchAsync(segment, items, null, CancellationToken.None);
            Assert.That(results.Select(r => r.Action), Is.All.EqualTo(IngestResult.Created));
        }
        await _h.App.Database.IdleAsync();

        Assert.That(new FileInfo(DatabaseFile).Length - before, Is.GreaterThan(1_000_000), "the batch's pages are in the database file, not only in the log");
    }

    [Test]
    public async Task EveryConnectionKeepsTheAutomaticCheckpointOnlyAsASafetyNet()
    {
        await using var connection = await _h.App.Database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_autocheckpoint";

        Assert.That(Convert.ToInt32(await command.ExecuteScalarAsync()), Is.EqualTo(TicketWorker.Storage.SqliteCheckpointer.AutoCheckpointPages));
    }
}
