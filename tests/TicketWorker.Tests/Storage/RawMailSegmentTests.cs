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
    public async Task AMessageWrittenIntoItsEntryIsStoredAsAppendingItWouldStoreIt()
    {
        // The entries are written as MailKit writes a literal: in pieces, sync and async, then rewound to 0.
        var messages = new[] { "first " + Guid.NewGuid(), "second " + new string('y', 150_000), "third " + Guid.NewGuid() }
            .Select(Encoding.UTF8.GetBytes).ToArray();
        var written = new List<(RawMailReference Reference, long FullSize)>();
        var appended = new List<(RawMailReference Reference, long FullSize)>();
        await using (var segment = store.BeginSegment())
        {
            foreach (var m in messages)
            {
                await using var entry = segment.BeginEntry();
                for (var at = 0; at < m.Length; at += 4096)
                {
                    var piece = m.AsMemory(at, Math.Min(4096, m.Length - at));
                    if (at % 8192 == 0) await entry.WriteAsync(piece);
                    else entry.Write(piece.Span);
                }
                entry.Position = 0;
                written.Add(await segment.AppendAsync(entry));
            }
            await using (var abandoned = segment.BeginEntry()) abandoned.Write("a fetch that failed mid-way"u8);
            foreach (var m in messages) appended.Add(await segment.AppendAsync(new MemoryStream(m)));
            await segment.CompleteAsync();
        }

        for (var i = 0; i < messages.Length; i++)
        {
            Assert.That(written[i].FullSize, Is.EqualTo(messages[i].Length));
            Assert.That(written[i].Reference.Size, Is.EqualTo(appended[i].Reference.Size));
            if (InDatabase) Assert.That(written[i].Reference, Is.EqualTo(appended[i].Reference), "the same bytes, the same hash");
            await using var read = await store.OpenAsync(written[i].Reference.Reference);
            Assert.That(await ReadAllAsync(read), Is.EqualTo(messages[i]));
        }
    }

    [Test]
    public async Task AnEntryKeepsNoMoreThanTheLimitAndCountsTheWholeMessage()
    {
        var options = testDatabase!.Options(rawInDatabase: InDatabase);
        options.MaxMessageSize = 1000;
        var small = new RawMailStore(new StorageDatabase(options));
        var message = Encoding.UTF8.GetBytes(new string('z', 2500));
        await using var segment = small.BeginSegment();
        await using var entry = segment.BeginEntry();
        await entry.WriteAsync(message.AsMemory(0, 900));
        await entry.WriteAsync(message.AsMemory(900));

        var (reference, fullSize) = await segment.AppendAsync(entry);
        await segment.CompleteAsync();

        Assert.That((reference.Size, fullSize), Is.EqualTo((1000L, 2500L)));
        await using var read = await small.OpenAsync(reference.Reference);
        Assert.That(await ReadAllAsync(read), Is.EqualTo(message[..1000]));
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
