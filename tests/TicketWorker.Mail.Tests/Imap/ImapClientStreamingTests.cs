using System.Text;
using TicketWorker.Mail.Imap;

namespace TicketWorker.Mail.Tests.Imap;

/// <summary>A 50 MB body literal from a generated server must stream through without being buffered.</summary>
public class ImapClientStreamingTests
{
    private const long BodyLength = 50L * 1024 * 1024;

    [Test]
    public async Task FiftyMegabyteBodyStreamsWithoutBeingHeldInMemory()
    {
        await using var client = new ImapClient();
        await client.ConnectAsync(new GeneratedFetchServer(BodyLength), CancellationToken.None);
        await client.SelectAsync("INBOX");
        var buffer = new byte[64 * 1024];
        long total = 0;
        long checksum = 0;
        var before = GC.GetTotalAllocatedBytes(precise: true);

        await foreach (var message in client.FetchAsync(UidSet.All))
        {
            int n;
            while ((n = await message.Body.ReadAsync(buffer)) > 0)
            {
                for (var i = 0; i < n; i++)
                    checksum += buffer[i];
                total += n;
            }
            Assert.That(message.Size, Is.EqualTo(BodyLength));
        }
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.That(total, Is.EqualTo(BodyLength));
        Assert.That(checksum, Is.EqualTo(GeneratedFetchServer.ExpectedChecksum(BodyLength)));
        Assert.That(allocated, Is.LessThan(16L * 1024 * 1024), "the body must not be buffered in memory");
    }

    /// <summary>Greeting, SELECT reply and one FETCH whose body is generated on the fly; client writes are ignored.</summary>
    private sealed class GeneratedFetchServer(long bodyLength) : Stream
    {
        private readonly byte[] _head = Encoding.ASCII.GetBytes(
            "* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n"
            + "* 1 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\nA0001 OK [READ-WRITE] done\r\n"
            + $"* 1 FETCH (UID 1 RFC822.SIZE {bodyLength} BODY[] {{{bodyLength}}}\r\n");
        private readonly byte[] _tail = Encoding.ASCII.GetBytes(")\r\nA0002 OK Fetch completed.\r\n");
        private long _position;

        public static long ExpectedChecksum(long length)
        {
            long sum = 0;
            for (long i = 0; i < length; i++)
                sum += Pattern(i);
            return sum;
        }

        private static byte Pattern(long i) => i % 100 == 98 ? (byte)'\r' : i % 100 == 99 ? (byte)'\n' : (byte)('a' + i % 26);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var span = buffer.Span;
            var bodyStart = _head.Length;
            var tailStart = bodyStart + bodyLength;
            if (_position < bodyStart)
                return Take(_head.AsSpan((int)_position), span);
            if (_position < tailStart)
            {
                var n = (int)Math.Min(span.Length, tailStart - _position);
                var offset = _position - bodyStart;
                for (var i = 0; i < n; i++)
                    span[i] = Pattern(offset + i);
                _position += n;
                return ValueTask.FromResult(n);
            }
            var tailOffset = _position - tailStart;
            return tailOffset >= _tail.Length ? ValueTask.FromResult(0) : Take(_tail.AsSpan((int)tailOffset), span);
        }

        private ValueTask<int> Take(ReadOnlySpan<byte> source, Span<byte> destination)
        {
            var n = Math.Min(source.Length, destination.Length);
            source[..n].CopyTo(destination);
            _position += n;
            return ValueTask.FromResult(n);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().Result;
        public override void Write(byte[] buffer, int offset, int count) { }
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
        public override void Flush() { }
        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
