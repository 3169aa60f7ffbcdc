namespace TicketWorker.Mail.Encodings;

/// <summary>A read-only stream that decodes its inner stream chunk by chunk (memory stays bounded).</summary>
internal sealed class DecodingStream(Stream inner, IByteDecoder decoder, bool leaveOpen) : Stream
{
    private const int ChunkSize = 16 * 1024;
    private readonly byte[] _input = new byte[ChunkSize];
    private readonly byte[] _output = new byte[decoder.MaxOutput(ChunkSize)];
    private int _outputStart;
    private int _outputEnd;
    private bool _finished;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_outputStart == _outputEnd && !_finished)
        {
            var n = inner.Read(_input, 0, _input.Length);
            Fill(n);
        }
        return CopyOut(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_outputStart == _outputEnd && !_finished)
        {
            var n = await inner.ReadAsync(_input, cancellationToken).ConfigureAwait(false);
            Fill(n);
        }
        return CopyOut(buffer.Span);
    }

    private void Fill(int n)
    {
        _outputStart = 0;
        if (n == 0)
        {
            _outputEnd = decoder.Flush(_output);
            _finished = true;
        }
        else
        {
            _outputEnd = decoder.Decode(_input.AsSpan(0, n), _output);
        }
    }

    private int CopyOut(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _outputEnd - _outputStart);
        _output.AsSpan(_outputStart, n).CopyTo(buffer);
        _outputStart += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!leaveOpen) await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
