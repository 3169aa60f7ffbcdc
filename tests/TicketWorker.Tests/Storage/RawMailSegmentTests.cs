using System.Text;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Storage;

/// <summary>The raw bytes of an intake batch: one segment file (or one raw_mail transaction), each message readable by its reference.</summary>
[TestFixture("files")]
[TestFixture("Sqlite")]
[TestFixture("Postgres")]
public class RawMailSegmentTests(string mode)
{
    private StorageTestDatabase? testDatabase;
    private RawMailStore store = null!;

    private bool InDatabase => mode != "files";

    [OneTimeSetUp]
    public async Task CreateStoreAsync()
    {
        testDatabase = await StorageTestDatabase.CreateAsync(InDatabase ? Enum.Parse<StorageProvider>(mode) : StorageProvider.Sqlite);
        store = new RawMailStore(await testDatabase.MigratedAsync(rawInDatabase: InDatabase));
    }

    [OneTimeTearDown]
    public async Task DropAsync()
    {
        if (testDatabase is not null) await testDatabase.DisposeAsync();
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Test]
    public async Task EveryMessageOfACompletedSegmentReadsBackByteForByte()
    {
        var messages = new[] { "first " + Guid.NewGuid(), "second, longer " + new string('x', 200_000), "third " + Guid.NewGuid() }
            .Select(Encoding.UTF8.GetBytes).ToArray();
        var references = new List<RawMailReference>();
        await using (var segment = store.BeginSegment())
        {
            foreach (var m in messages) references.Add((await segment.AppendAsync(new MemoryStream(m))).Reference);
            await segment.CompleteAsync();
        }
        Assert.That(references.Select(r => r.Reference), Has.All.StartWith(InDatabase ? "db:sha256:" : "seg:"));
        for (var i = 0; i < messages.Length; i++)
        {
            await using var read = await store.OpenAsync(references[i].Reference);
            Assert.That(await ReadAllAsync(read), Is.EqualTo(messages[i]));
            Assert.That(references[i].Size, Is.EqualTo(messages[i].Length));
        }
    }

    [Test]
    public async Task ASegmentThatIsNeverCompletedLeavesNothingBehind()
    {
        string path;
        await using (var segment = store.BeginSegment())
        {
            path = segment.Path;
            await segment.AppendAsync(new MemoryStream("never committed"u8.ToArray()));
        }
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public void SegmentReferencesThatNameNoSegmentAreRefused()
    {
        Assert.ThrowsAsync<ArgumentException>(() => store.OpenAsync("seg:../../etc/passwd:0:10"));
        Assert.ThrowsAsync<ArgumentException>(() => store.OpenAsync("seg:" + new string('a', 32) + ":-1:10"));
        Assert.ThrowsAsync<FileNotFoundException>(() => store.OpenAsync("seg:" + new string('a', 32) + ":0:10"));
    }
}
