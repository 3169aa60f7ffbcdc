using System.Text;

namespace TicketWorker.Mail.Imap;

/// <summary>
/// Tokenizer over the server side of an IMAP connection (RFC 3501 §9 / RFC 9051 §9 formal syntax):
/// atoms, quoted strings with escapes, literals <c>{n}</c> and literal8 <c>~{n}</c>, NIL, parentheses,
/// brackets and CRLF. Literal bodies are not read with the token: the caller reads them into memory,
/// skips them or streams them through <see cref="ReadRawAsync"/>.
/// </summary>
internal sealed class ImapReader
{
    private const int MaxTokenLength = 4 * 1024 * 1024;

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private ImapToken? _peeked;

    public ImapReader(Stream stream, int bufferSize = 64 * 1024)
    {
        _stream = stream;
        _buffer = new byte[bufferSize];
    }

    /// <summary>When set, every network read arms this source's timer and disarms it when data arrives, so the timeout measures server silence only.</summary>
    public CancellationTokenSource? InactivitySource { get; set; }

    /// <summary>Silence allowed between two network reads while <see cref="InactivitySource"/> is set.</summary>
    public TimeSpan InactivityTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>True when bytes the server sent are waiting in the buffer (used to detect STARTTLS response injection).</summary>
    public bool HasBufferedData => _end > _start || _peeked.HasValue;

    public async ValueTask<ImapToken> PeekTokenAsync(CancellationToken cancellationToken)
    {
        _peeked ??= await ReadTokenCoreAsync(cancellationToken).ConfigureAwait(false);
        return _peeked.Value;
    }

    public ValueTask<ImapToken> ReadTokenAsync(CancellationToken cancellationToken)
    {
        if (_peeked is { } peeked)
        {
            _peeked = null;
            return ValueTask.FromResult(peeked);
        }
        return ReadTokenCoreAsync(cancellationToken);
    }

    /// <summary>Reads the next token and fails unless it is of the expected type.</summary>
    public async ValueTask<ImapToken> ExpectAsync(ImapTokenType type, CancellationToken cancellationToken)
    {
        var token = await ReadTokenAsync(cancellationToken).ConfigureAwait(false);
        if (token.Type != type)
            throw ImapErrors.Violation($"expected {type} but the server sent {token}");
        return token;
    }

    private async ValueTask<ImapToken> ReadTokenCoreAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = TryReadToken(out var token);
            if (status == ScanStatus.Done)
                return token;
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private enum ScanStatus { Done, NeedMore }

    // Parses one token from the buffer without I/O; NeedMore when the buffer ends inside the token.
    private ScanStatus TryReadToken(out ImapToken token)
    {
        token = default;
        var span = _buffer.AsSpan(_start, _end - _start);
        var i = 0;
        while (i < span.Length && span[i] == (byte)' ')
            i++;
        if (i == span.Length)
        {
            _start += i;
            return ScanStatus.NeedMore;
        }
        switch (span[i])
        {
            case (byte)'\r':
                if (i + 1 >= span.Length)
                {
                    _start += i;
                    return ScanStatus.NeedMore;
                }
                if (span[i + 1] != (byte)'\n')
                    throw ImapErrors.Violation("bare CR in server data");
                _start += i + 2;
                token = ImapToken.Eol;
                return ScanStatus.Done;
            case (byte)'\n':
                // Lenient: some servers end lines with a bare LF.
                _start += i + 1;
                token = ImapToken.Eol;
                return ScanStatus.Done;
            case (byte)'(':
                _start += i + 1;
                token = ImapToken.OpenParen;
                return ScanStatus.Done;
            case (byte)')':
                _start += i + 1;
                token = ImapToken.CloseParen;
                return ScanStatus.Done;
            case (byte)'[':
                _start += i + 1;
                token = ImapToken.OpenBracket;
                return ScanStatus.Done;
            case (byte)']':
                _start += i + 1;
                token = ImapToken.CloseBracket;
                return ScanStatus.Done;
            case (byte)'"':
                return TryReadQuoted(span, i, out token);
            case (byte)'{':
                return TryReadLiteralHeader(span, i, i + 1, false, out token);
            case (byte)'~' when i + 1 < span.Length && span[i + 1] == (byte)'{':
                return TryReadLiteralHeader(span, i, i + 2, true, out token);
            case (byte)'~' when i + 1 >= span.Length:
                _start += i;
                return ScanStatus.NeedMore;
            default:
                return TryReadAtom(span, i, out token);
        }
    }

    private ScanStatus TryReadAtom(ReadOnlySpan<byte> span, int begin, out ImapToken token)
    {
        token = default;
        var j = begin;
        while (j < span.Length && !IsAtomDelimiter(span[j]))
            j++;
        if (j == span.Length)
        {
            _start += begin;
            return ScanStatus.NeedMore;
        }
        var text = Encoding.UTF8.GetString(span[begin..j]);
        _start += j;
        token = text.Length == 3 && string.Equals(text, "NIL", StringComparison.OrdinalIgnoreCase)
            ? ImapToken.Nil
            : new ImapToken(ImapTokenType.Atom, text);
        return ScanStatus.Done;
    }

    // RFC 3501 §9 atom-specials are "(){ %*\"\\]" plus CTL; we split only where a structure starts so
    // that flags (\Seen, \*), sequence sets (1:*) and section specs (BODY[...]) tokenize usefully.
    private static bool IsAtomDelimiter(byte b) =>
        b is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'(' or (byte)')' or (byte)'[' or (byte)']' or (byte)'"';

    private ScanStatus TryReadQuoted(ReadOnlySpan<byte> span, int begin, out ImapToken token)
    {
        token = default;
        var j = begin + 1;
        var escaped = false;
        while (j < span.Length)
        {
            var b = span[j];
            if (b is (byte)'\r' or (byte)'\n')
                throw ImapErrors.Violation("line break inside a quoted string");
            if (b == (byte)'\\')
            {
                escaped = true;
                j += 2;
                continue;
            }
            if (b == (byte)'"')
                break;
            j++;
        }
        if (j >= span.Length)
        {
            _start += begin;
            return ScanStatus.NeedMore;
        }
        var raw = span[(begin + 1)..j];
        string text;
        if (!escaped)
        {
            text = Encoding.UTF8.GetString(raw);
        }
        else
        {
            // RFC 3501 §4.3: inside a quoted string only \" and \\ are escapes.
            var unescaped = new byte[raw.Length];
            var n = 0;
            for (var k = 0; k < raw.Length; k++)
            {
                if (raw[k] == (byte)'\\' && k + 1 < raw.Length)
                    k++;
                unescaped[n++] = raw[k];
            }
            text = Encoding.UTF8.GetString(unescaped, 0, n);
        }
        _start += j + 1;
        token = new ImapToken(ImapTokenType.QuotedString, text);
        return ScanStatus.Done;
    }

    private ScanStatus TryReadLiteralHeader(ReadOnlySpan<byte> span, int begin, int digits, bool literal8, out ImapToken token)
    {
        token = default;
        var j = digits;
        long length = 0;
        while (j < span.Length && span[j] is >= (byte)'0' and <= (byte)'9')
        {
            length = checked(length * 10 + (span[j] - '0'));
            j++;
        }
        if (j < span.Length && span[j] == (byte)'+')
            j++; // a server never sends non-synchronizing literals, but tolerate it
        // need "}" CR LF
        if (j + 2 >= span.Length)
        {
            if (j - begin > 32)
                throw ImapErrors.Violation("malformed literal length");
            _start += begin;
            return ScanStatus.NeedMore;
        }
        if (j == digits || span[j] != (byte)'}')
            throw ImapErrors.Violation("malformed literal length");
        j++;
        if (span[j] == (byte)'\r')
            j++;
        if (span[j] != (byte)'\n')
            throw ImapErrors.Violation("literal length not followed by CRLF");
        _start += j + 1;
        token = new ImapToken(ImapTokenType.Literal, Length: length, IsLiteral8: literal8);
        return ScanStatus.Done;
    }

    /// <summary>Skips spaces and returns the next byte without consuming it (to look for "[" before resp-text).</summary>
    public async ValueTask<byte> PeekByteAsync(CancellationToken cancellationToken)
    {
        if (_peeked.HasValue)
            throw new InvalidOperationException("cannot peek a byte after peeking a token");
        while (true)
        {
            while (_start < _end && _buffer[_start] == (byte)' ')
                _start++;
            if (_start < _end)
                return _buffer[_start];
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads the human-readable rest of the line (resp-text after any response code) and the CRLF.
    /// One leading space is dropped.
    /// </summary>
    public async ValueTask<string> ReadLineTextAsync(CancellationToken cancellationToken)
    {
        if (_peeked is { } peeked)
        {
            _peeked = null;
            if (peeked.Type == ImapTokenType.Eol)
                return string.Empty;
            // Only happens when a code was followed by text: keep the token's text.
            var rest = await ReadLineTextAsync(cancellationToken).ConfigureAwait(false);
            return rest.Length == 0 ? peeked.ToString() : peeked + " " + rest;
        }
        var scanFrom = 0;
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var lf = span[scanFrom..].IndexOf((byte)'\n');
            if (lf >= 0)
            {
                lf += scanFrom;
                var line = span[..lf];
                if (line.Length > 0 && line[^1] == (byte)'\r')
                    line = line[..^1];
                if (line.Length > 0 && line[0] == (byte)' ')
                    line = line[1..];
                var text = Encoding.UTF8.GetString(line);
                _start += lf + 1;
                return text;
            }
            scanFrom = span.Length;
            await FillAsync(cancellationToken).ConfigureAwait(false);
            scanFrom = Math.Max(0, Math.Min(scanFrom, _end - _start));
        }
    }

    /// <summary>Skips tokens up to and including the end of the current response line, skipping literals it contains.</summary>
    public async ValueTask SkipLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var token = await ReadTokenAsync(cancellationToken).ConfigureAwait(false);
            if (token.Type == ImapTokenType.Eol)
                return;
            if (token.Type == ImapTokenType.Literal)
                await SkipBytesAsync(token.Length, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Skips one value (a token, a parenthesized list with its nesting, or a literal).</summary>
    public async ValueTask SkipValueAsync(ImapToken first, CancellationToken cancellationToken)
    {
        var depth = 0;
        var token = first;
        while (true)
        {
            switch (token.Type)
            {
                case ImapTokenType.OpenParen:
                case ImapTokenType.OpenBracket:
                    depth++;
                    break;
                case ImapTokenType.CloseParen:
                case ImapTokenType.CloseBracket:
                    depth--;
                    break;
                case ImapTokenType.Literal:
                    await SkipBytesAsync(token.Length, cancellationToken).ConfigureAwait(false);
                    break;
                case ImapTokenType.Eol:
                    throw ImapErrors.Violation("response ended inside a list");
            }
            if (depth <= 0)
                return;
            token = await ReadTokenAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a whole literal of the given length into memory (only for small literals).</summary>
    public async ValueTask<byte[]> ReadLiteralAsync(long length, CancellationToken cancellationToken)
    {
        // Only names, texts and code arguments are buffered; bodies are streamed.
        if (length > MaxTokenLength)
            throw ImapErrors.Violation($"a {length}-byte literal where a short string was expected");
        var result = new byte[length];
        var offset = 0;
        while (offset < result.Length)
            offset += await ReadRawAsync(result.AsMemory(offset), cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Reads a literal of any size up to 2 GB into memory (for the rare body that cannot be streamed).</summary>
    public async ValueTask<byte[]> ReadLiteralBytesAsync(long length, CancellationToken cancellationToken)
    {
        var result = new byte[length];
        var offset = 0;
        while (offset < result.Length)
            offset += await ReadRawAsync(result.AsMemory(offset), cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Reads up to <paramref name="destination"/>.Length raw bytes (part of a literal); never returns 0.</summary>
    public async ValueTask<int> ReadRawAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_peeked.HasValue)
            throw new InvalidOperationException("cannot read literal bytes after peeking a token");
        if (destination.Length == 0)
            return 0;
        if (_end > _start)
        {
            var n = Math.Min(destination.Length, _end - _start);
            _buffer.AsMemory(_start, n).CopyTo(destination);
            _start += n;
            return n;
        }
        if (destination.Length >= _buffer.Length)
        {
            // Large reads bypass the buffer: body literals go straight from the socket to the caller.
            return await ReadStreamAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        await FillAsync(cancellationToken).ConfigureAwait(false);
        var m = Math.Min(destination.Length, _end - _start);
        _buffer.AsMemory(_start, m).CopyTo(destination);
        _start += m;
        return m;
    }

    public async ValueTask SkipBytesAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_end == _start)
                await FillAsync(cancellationToken).ConfigureAwait(false);
            var n = (int)Math.Min(count, _end - _start);
            _start += n;
            count -= n;
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            // One token (a long quoted string or line) is larger than the buffer: grow up to a limit.
            if (_buffer.Length >= MaxTokenLength)
                throw ImapErrors.Violation($"a single token exceeds {MaxTokenLength} bytes");
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        _end += await ReadStreamAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<int> ReadStreamAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        // The timer runs only while we wait for the server: a caller that takes its time between
        // two reads of a streamed body must not make the connection look dead.
        var timer = InactivitySource;
        timer?.CancelAfter(InactivityTimeout);
        int n;
        try
        {
            n = await _stream.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
            if (!cancellationToken.IsCancellationRequested)
                timer?.CancelAfter(Timeout.InfiniteTimeSpan);
        }
        catch (IOException e)
        {
            throw ImapErrors.ConnectionLost(e.Message, e);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw ImapErrors.ConnectionLost(e.Message, e);
        }
        if (n == 0)
            throw ImapErrors.ConnectionLost("the server closed the connection");
        return n;
    }
}
