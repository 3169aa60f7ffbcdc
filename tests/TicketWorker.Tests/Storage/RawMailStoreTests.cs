using System.Text;
using TicketWorker.Storage;

namespace TicketWorker.Tests.Storage;

/// <summary>The raw store in the folder (provider "files") and in each database.</summary>
[TestFixture("files")]
[TestFixture("Sqlite")]
[TestFixture("Postgres")]
[TestFixture("SqlServer")]
public class RawMailStoreTests
{
    private const int LargeSize = 30 * 1024 * 1024;

    private readonly string mode;
    private StorageTestDatabase? testDatabase;
    private RawMailStore store = null!;
    private StorageDatabase database = null!;

    public RawMailStoreTests(string mode)
    {
        this.mode = mode;
    }

    private bool InDatabase => mode != "files";

    [OneTimeSetUp]
    public async Task CreateStoreAsync()
    {
        testDatabase = await StorageTestDatabase.CreateAsync(InDatabase ? Enum.Parse<StorageProvider>(mode) : StorageProvider.Sqlite);
        database = await testDatabase.MigratedAsync(rawInDatabase: InDatabase);
        store = new RawMailStore(database);
    }

    [OneTimeTearDown]
    public async Task DropAsync()
    {
        if (testDatabase is not null)
        {
            await testDatabase.DisposeAsync();
        }
    }

    [Test]
    public async Task LargeMessageRoundTripsByteForByteWithoutBeingBufferedWhole()
    {
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var reference = await store.SaveAsync(new GeneratedStream(LargeSize, seed: 7));
        var allocatedBySave = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        long offset = 0;
        var mismatches = 0;
        var buffer = new byte[64 * 1024];
        allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        await using (var read = await store.OpenAsync(reference.Reference))
        {
            int n;
            while ((n = await read.ReadAsync(buffer)) > 0)
            {
                for (var i = 0; i < n; i++)
                {
                    if (buffer[i] != GeneratedStream.At(offset + i, 7))
                    {
                        mismatches++;
                    }
                }

                offset += n;
            }
        }

        var allocatedByRead = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.That(reference.Size, Is.EqualTo(LargeSize));
        Assert.That(offset, Is.EqualTo(LargeSize));
        Assert.That(mismatches, Is.Zero);
        Assert.That(reference.Reference, Does.EndWith(reference.Sha256!));
        Assert.That(allocatedBySave, Is.LessThan(LargeSize / 4), "saving must stream, not buffer the message");
        Assert.That(allocatedByRead, Is.LessThan(LargeSize / 4), "reading must stream, not buffer the message");
    }

    [Test]
    public async Task SameBytesGiveTheSameReferenceAndDifferentBytesAnother()
    {
        var a = await store.SaveAsync(new MemoryStream(Encoding.ASCII.GetBytes("Subject: a\r\n\r\nbody\r\n")));
        var again = await store.SaveAsync(new MemoryStream(Encoding.ASCII.GetBytes("Subject: a\r\n\r\nbody\r\n")));
        var b = await store.SaveAsync(new MemoryStream(Encoding.ASCII.GetBytes("Subject: b\r\n\r\nbody\r\n")));

        await using var read = await store.OpenAsync(a.Reference);
        using var reader = new StreamReader(read, Encoding.ASCII);
        var text = await reader.ReadToEndAsync();

        Assert.That(again, Is.EqualTo(a));
        Assert.That(b.Reference, Is.Not.EqualTo(a.Reference));
        Assert.That(text, Is.EqualTo("Subject: a\r\n\r\nbody\r\n"));
        Assert.That(a.Sha256, Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes("Subject: a\r\n\r\nbody\r\n")))));
    }

    [Test]
    public async Task EmptyMessageIsStoredToo()
    {
        var reference = await store.SaveAsync(new MemoryStream());

        await using var read = await store.OpenAsync(reference.Reference);
        var n = await read.ReadAsync(new byte[16]);

        Assert.That(reference.Size, Is.Zero);
        Assert.That(n, Is.Zero);
    }

    [Test]
    public async Task MessageOverTheLimitIsRefusedAndLeavesNothingBehind()
    {
        var options = testDatabase!.Options(rawInDatabase: InDatabase);
        options.MaxMessageSize = 1000;
        var small = new RawMailStore(new StorageDatabase(options));
        var tempFolder = InDatabase ? Path.Combine(Path.GetTempPath(), "ticketworker-raw") : Path.Combine(options.RawMailPath, "tmp");
        Directory.CreateDirectory(tempFolder);
        var before = Directory.GetFiles(tempFolder);

        Assert.ThrowsAsync<MessageTooLargeException>(() => small.SaveAsync(new GeneratedStream(1001, seed: 1)));
        var after = Directory.GetFiles(tempFolder);
        var exact = await small.SaveAsync(new GeneratedStream(1000, seed: 1));

        Assert.That(after, Is.EquivalentTo(before));
        Assert.That(exact.Size, Is.EqualTo(1000));
    }

    [Test]
    public void UnknownOrMalformedReferencesAreRefused()
    {
        var missing = (InDatabase ? "db:sha256:" : "file:sha256:") + new string('0', 64);

        Assert.ThrowsAsync<FileNotFoundException>(() => store.OpenAsync(missing));
        Assert.ThrowsAsync<ArgumentException>(() => store.OpenAsync("file:sha256:../../etc/passwd"));
        Assert.ThrowsAsync<ArgumentException>(() => store.OpenAsync("http://example.test/x"));
    }
}
