using TicketWorker.Mail;

namespace TicketWorker.Tests.Mail;

public class PooledStreamTests
{
    [Test]
    public void WritesPastItsCapacityKeepEveryByteInOrder()
    {
        var random = new Random(7);
        var expected = new byte[300_000];
        random.NextBytes(expected);
        using var stream = new PooledStream(1000);
        for (var at = 0; at < expected.Length;)
        {
            var n = Math.Min(random.Next(1, 70_000), expected.Length - at);
            stream.Write(expected, at, n);
            at += n;
        }
        Assert.That(stream.Written.ToArray(), Is.EqualTo(expected));
        Assert.That(stream.Length, Is.EqualTo(expected.Length));
    }

    [Test]
    public async Task ReadsBackWhatWasWrittenFromWhereItIsSought()
    {
        using var stream = new PooledStream(16);
        await stream.WriteAsync("Subject: hello\r\n\r\nbody"u8.ToArray());
        stream.Position = 0;
        using var reader = new StreamReader(stream, leaveOpen: true);
        Assert.That(await reader.ReadToEndAsync(), Is.EqualTo("Subject: hello\r\n\r\nbody"));
        stream.Seek(-4, SeekOrigin.End);
        var tail = new byte[10];
        Assert.That(stream.Read(tail), Is.EqualTo(4));
        Assert.That(tail[..4], Is.EqualTo("body"u8.ToArray()));
    }

    [Test]
    public void AGapLeftBySeekingPastTheEndReadsAsZeros()
    {
        using var stream = new PooledStream(4);
        stream.Write([1, 2]);
        stream.Position = 6;
        stream.Write([9]);
        Assert.That(stream.Written.ToArray(), Is.EqualTo(new byte[] { 1, 2, 0, 0, 0, 0, 9 }));
    }

    [Test]
    public void NothingCanBeUsedOnceItsArrayIsGivenBack()
    {
        var stream = new PooledStream(8);
        stream.Write([1, 2, 3]);
        stream.Dispose();
        Assert.Throws<ObjectDisposedException>(() => stream.Write([4]));
        Assert.Throws<ObjectDisposedException>(() => stream.ReadExactly(new byte[1]));
        Assert.Throws<ObjectDisposedException>(() => _ = stream.Written.Length);
        Assert.That(stream.CanRead, Is.False);
    }
}
