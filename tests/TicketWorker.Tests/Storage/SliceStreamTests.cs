using TicketWorker.Storage;

namespace TicketWorker.Tests.Storage;

/// <summary>
/// A message's window of a raw-mail segment reads exactly its own bytes, whatever the order and size of the reads
/// (MimeKit parses persistently: it seeks back into parts it has passed, reads in blocks, and copies attachments in one go).
/// </summary>
public class SliceStreamTests
{
    private TempDirectory _folder = null!;
    private byte[] _file = null!;
    private string _path = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = new TempDirectory();
        _file = new byte[3 * SliceStream.BufferSize + 12345];
        new Random(7).NextBytes(_file);
        _path = Path.Combine(_folder.Path, "segment.seg");
        File.WriteAllBytes(_path, _file);
    }

    [TearDown]
    public void TearDown() => _folder.Dispose();

    [Test]
    public void ReadsInSmallBlocksGiveTheSliceAndNothingPastIt()
    {
        const int offset = 1000;
        var length = 2 * SliceStream.BufferSize + 77;
        using var slice = new SliceStream(SliceStream.Open(_path), offset, length);

        var read = new MemoryStream();
        var block = new byte[4096];
        int n;
        while ((n = slice.Read(block, 0, block.Length)) > 0) read.Write(block, 0, n);

        Assert.That(read.ToArray(), Is.EqualTo(_file.AsSpan(offset, length).ToArray()));
        Assert.That(slice.Read(block, 0, block.Length), Is.Zero, "at the end");
    }

    [Test]
    public async Task ReadsThroughTheTaskOverloadGiveTheSliceWithTheCountOfEachRead()
    {
        // MimeKit's way of reading: 4 KB blocks through ReadAsync(byte[], int, int), the last one short, then 0.
        const int offset = 321;
        var length = SliceStream.BufferSize + 5000;
        using var slice = new SliceStream(SliceStream.Open(_path), offset, length);

        var read = new MemoryStream();
        var block = new byte[4096];
        var counts = new List<int>();
        var tasks = new List<Task<int>>();
        int n;
        do
        {
            var task = slice.ReadAsync(block, 0, block.Length, CancellationToken.None);
            tasks.Add(task);
            n = await task;
            counts.Add(n);
            read.Write(block, 0, n);
        }
        while (n > 0);

        Assert.That(read.ToArray(), Is.EqualTo(_file.AsSpan(offset, length).ToArray()));
        Assert.That(counts.Sum(), Is.EqualTo(length));
        Assert.That(counts[^1], Is.Zero);
        Assert.That(counts.Take(3), Is.All.EqualTo(4096));
        Assert.That(tasks[1], Is.SameAs(tasks[0]), "a read of the same count gives the same completed task");
        Assert.That(tasks.Select(t => t.Result), Is.EqualTo(counts), "each task holds its own read's count");
    }

    [Test]
    public void RandomSeeksAndReadSizesReadWhatTheFileHolds()
    {
        const int offset = 333;
        var length = _file.Length - offset - 10;
        using var slice = new SliceStream(SliceStream.Open(_path), offset, length);
        var random = new Random(11);

        for (var i = 0; i < 2000; i++)
        {
            var at = random.Next(length + 10);
            var size = random.Next(4) switch { 0 => random.Next(1, 16), 1 => random.Next(1, 5000), 2 => 4096, _ => random.Next(SliceStream.BufferSize - 10, 2 * SliceStream.BufferSize) };
            if (random.Next(3) == 0) slice.Seek(at - length, SeekOrigin.End);
            else slice.Position = at;
            var into = new byte[size];

            var n = slice.Read(into, 0, size);

            var expected = Math.Max(0, Math.Min(size, length - at));
            Assert.That(n, Is.LessThanOrEqualTo(expected), $"read {size} at {at}");
            Assert.That(n, Is.GreaterThan(0).Or.EqualTo(expected), $"read {size} at {at}: something when something is left");
            Assert.That(into.AsSpan(0, n).ToArray(), Is.EqualTo(_file.AsSpan(offset + at, n).ToArray()), $"read {size} at {at}");
            Assert.That(slice.Position, Is.EqualTo(at + n));
        }
    }

    [Test]
    public void ADisposedSliceReadsNoMore()
    {
        var slice = new SliceStream(SliceStream.Open(_path), 0, 100);
        var into = new byte[10];
        slice.ReadExactly(into, 0, 10);

        slice.Dispose();

        Assert.Throws<ObjectDisposedException>(() => slice.ReadExactly(into, 0, 10));
    }
}
