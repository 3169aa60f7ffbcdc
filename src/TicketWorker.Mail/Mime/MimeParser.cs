using System.Text;
using TicketWorker.Mail.Encodings;

namespace TicketWorker.Mail.Mime;

/// <summary>
/// Byte-level MIME structure parser (RFC 5322 §2.2, RFC 2045, RFC 2046 §5). It splits the stream
/// into header blocks, boundaries and contents; header values are handed to the field parsers.
/// </summary>
/// <remarks>
/// Lenient by design: junk before the headers, broken folding, missing or look-alike boundaries and
/// missing closing boundaries are all accepted. It throws <see cref="MimeParseException"/> only for
/// input that is not a message at all or that breaks a limit of <see cref="MimeParserOptions"/>.
/// Part contents are kept raw (still transfer-encoded) and spooled to disk above
/// <see cref="MimeParserOptions.SpoolThreshold"/>; decoding happens when the content is read.
/// </remarks>
public sealed partial class MimeParser
{
    private const int MaxPreambleBytes = 64 * 1024;

    private readonly LineReader _reader;
    private readonly MimeParserOptions _options;
    private readonly Encoding _fallback;
    private readonly List<ContentStore> _created;
    private readonly int _baseDepth;
    private readonly List<byte[]> _boundaries = [];
    private readonly HeaderBlock _block;
    private readonly ContentBuffer _content;
    private int _pendingEol;
    private long _gluedCloseAt = -1;
    private int _gluedCloseLevel = -1;
    private int _matchedBoundary = -1;
    private bool _matchedClose;

    private MimeParser(Stream stream, MimeParserOptions options, Encoding fallback, List<ContentStore> created, int baseDepth)
    {
        _reader = new LineReader(stream);
        _options = options;
        _fallback = fallback;
        _created = created;
        _baseDepth = baseDepth;
        _block = new HeaderBlock(options.MaxHeaderBytes);
        _content = new ContentBuffer(options);
    }

    /// <summary>Parses a message from a stream (CRLF or LF line ends); the stream is read to its end.</summary>
    /// <exception cref="MimeParseException">The input is empty or binary, or a header block exceeds <see cref="MimeParserOptions.MaxHeaderBytes"/>.</exception>
    public static async Task<MimeMessage> ParseAsync(Stream stream, MimeParserOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= MimeParserOptions.Default;
        var fallback = Charsets.GetEncoding(options.FallbackCharset) ?? Encoding.Latin1;
        var created = new List<ContentStore>();
        var parser = new MimeParser(stream, options, fallback, created, 0);
        try
        {
            return await parser.ParseMessageAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            foreach (var store in created) store.Dispose();
            throw;
        }
        finally
        {
            parser.ReleaseBuffers();
        }
    }

    private void ReleaseBuffers()
    {
        _reader.Dispose();
        _content.Dispose();
        _block.Dispose();
    }

    private async Task<MimeMessage> ParseMessageAsync(CancellationToken cancellationToken)
    {
        var body = await ParseEntityAsync(_baseDepth, digestChild: false, topLevel: true, cancellationToken).ConfigureAwait(false);
        return new MimeMessage(body, _reader.BytesRead);
    }

    private async Task<MimeEntity> ParseEntityAsync(int depth, bool digestChild, bool topLevel, CancellationToken cancellationToken)
    {
        var end = await ReadHeaderBlockAsync(cancellationToken).ConfigureAwait(false);
        var headers = new HeaderList();
        var fieldCount = _block.ParseFields(headers, _fallback);
        if (topLevel && (_reader.BytesRead == 0 || (fieldCount == 0 && _block.LooksBinary())))
        {
            throw new MimeParseException(_reader.BytesRead == 0 ? "The input is empty: not a message." : "The input has no header fields and is binary: not a message.");
        }

        var contentType = headers["Content-Type"] is { } ctValue
            ? ContentType.Parse(ctValue)
            : digestChild ? new ContentType("message", "rfc822") : new ContentType("text", "plain");
        var transferEncoding = NormalizeTransferEncoding(headers["Content-Transfer-Encoding"]);
        var disposition = ContentDisposition.Parse(headers["Content-Disposition"]);
        var contentId = ParseContentId(headers["Content-ID"]);

        // Lines of the header block that are not fields were dropped by ParseFields, as mime4j's
        // and mail-parser's reference outputs do; the content starts after the blank line.
        _pendingEol = 0;

        if (contentType.MediaType == "multipart" && fieldCount > 0)
        {
            if (string.IsNullOrEmpty(contentType.Boundary))
            {
                // No boundary: nothing can be split, so read it as one text part.
                contentType = new ContentType("text", "plain", contentType.Parameters);
            }
            else if (depth < _options.MaxDepth)
            {
                return await ParseMultipartAsync(headers, contentType, disposition, contentId, transferEncoding, depth, end, cancellationToken).ConfigureAwait(false);
            }
        }

        await ReadLeafContentAsync(end, cancellationToken).ConfigureAwait(false);
        var store = _content.Complete();
        if (store.Length > 0) _created.Add(store);

        MimeMessage? embedded = null;
        if (contentType.MediaType == "message" && contentType.MediaSubtype is "rfc822" or "global" && depth < _options.MaxDepth && store.Length > 0)
        {
            embedded = await ParseEmbeddedAsync(store, transferEncoding, depth + 1, cancellationToken).ConfigureAwait(false);
        }

        return new MimeEntity
        {
            Headers = headers,
            ContentType = contentType,
            ContentDisposition = disposition,
            TransferEncoding = transferEncoding,
            ContentId = contentId,
            Content = store,
            EmbeddedMessage = embedded,
            FallbackEncoding = _fallback,
        };
    }

    private async Task<MimeEntity> ParseMultipartAsync(HeaderList headers, ContentType contentType, ContentDisposition? disposition,
        string? contentId, string? transferEncoding, int depth, HeaderBlockEnd end, CancellationToken cancellationToken)
    {
        _boundaries.Add(Encoding.UTF8.GetBytes("--" + contentType.Boundary));
        var level = _boundaries.Count - 1;
        string? preamble = null;
        if (end == HeaderBlockEnd.BlankLine)
        {
            await ReadContentAsync(cancellationToken).ConfigureAwait(false);
            if (_matchedBoundary < 0)
            {
                // Not one boundary line up to the end: the declared structure is wrong, so the
                // content is read as a single text part (as for a missing boundary parameter).
                _boundaries.RemoveAt(level);
                var store = _content.Complete();
                if (store.Length > 0) _created.Add(store);
                return new MimeEntity
                {
                    Headers = headers,
                    ContentType = new ContentType("text", "plain", contentType.Parameters),
                    ContentDisposition = disposition,
                    TransferEncoding = transferEncoding,
                    ContentId = contentId,
                    Content = store,
                    FallbackEncoding = _fallback,
                };
            }
            preamble = TakeSmallText();
        }

        var children = new List<MimeEntity>();
        var digest = contentType.MediaSubtype == "digest";
        while (_matchedBoundary == level && !_matchedClose)
        {
            children.Add(await ParseEntityAsync(depth + 1, digest, topLevel: false, cancellationToken).ConfigureAwait(false));
        }

        _boundaries.RemoveAt(level);
        string? epilogue = null;
        if (_matchedBoundary == level)
        {
            // Closing boundary seen: what follows up to an outer boundary is the epilogue.
            _pendingEol = 0;
            await ReadContentAsync(cancellationToken).ConfigureAwait(false);
            epilogue = TakeSmallText();
        }
        // Otherwise the part ended at an outer boundary or at the end of input without its
        // closing boundary; the match stays for the enclosing multipart.

        return new MimeEntity
        {
            Headers = headers,
            ContentType = contentType,
            ContentDisposition = disposition,
            TransferEncoding = transferEncoding,
            ContentId = contentId,
            Children = children,
            Preamble = preamble,
            Epilogue = epilogue,
            FallbackEncoding = _fallback,
        };
    }

    private async Task<MimeMessage?> ParseEmbeddedAsync(ContentStore store, string? transferEncoding, int depth, CancellationToken cancellationToken)
    {
        await using var decoded = Encodings.TransferEncoding.CreateDecodingStream(store.OpenRead(), transferEncoding);
        var inner = new MimeParser(decoded, _options, _fallback, _created, depth);
        try
        {
            return await inner.ParseMessageAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MimeParseException)
        {
            // Not a message inside: the part stays an opaque attachment.
            return null;
        }
        finally
        {
            inner.ReleaseBuffers();
        }
    }

    private async ValueTask ReadLeafContentAsync(HeaderBlockEnd end, CancellationToken cancellationToken)
    {
        switch (end)
        {
            case HeaderBlockEnd.BlankLine:
                await ReadContentAsync(cancellationToken).ConfigureAwait(false);
                break;
            case HeaderBlockEnd.EndOfInput:
                FlushPendingEol();
                _matchedBoundary = -1;
                break;
            default:
                _pendingEol = 0;
                break;
        }
    }

    /// <summary>Reads content lines into <see cref="_content"/> until a boundary line or the end of input.</summary>
    private async ValueTask ReadContentAsync(CancellationToken cancellationToken)
    {
        _gluedCloseAt = -1;
        while (await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false))
        {
            if (TakeContentLine()) return;
        }
        if (_gluedCloseAt >= 0)
        {
            // The input ended with "text--boundary--": cut the delimiter off the content.
            _content.Truncate(_gluedCloseAt);
            _pendingEol = 0;
            _matchedBoundary = _gluedCloseLevel;
            _matchedClose = true;
            return;
        }
        FlushPendingEol();
        _matchedBoundary = -1;
    }

    /// <summary>Handles the current line as content; true when it is a boundary line instead.</summary>
    private bool TakeContentLine()
    {
        var line = _reader.Line;
        if (_reader.AtLineStart && IsBoundaryLine(line))
        {
            // RFC 2046 §5.1.1: the line break before a boundary belongs to the boundary.
            _pendingEol = 0;
            return true;
        }
        FlushPendingEol();
        _gluedCloseAt = -1;
        if (_reader.AtLineStart && FindGluedCloseDelimiter(line, out var at, out var level))
        {
            _gluedCloseAt = _content.Length + at;
            _gluedCloseLevel = level;
        }
        if (_reader.HasLineEnd)
        {
            var eol = line.Length >= 2 && line[^2] == '\r' ? 2 : 1;
            _content.Write(line[..^eol]);
            _pendingEol = eol;
        }
        else
        {
            _content.Write(line);
        }
        return false;
    }

    private void FlushPendingEol()
    {
        if (_pendingEol == 2) _content.Write("\r\n"u8);
        else if (_pendingEol == 1) _content.Write("\n"u8);
        _pendingEol = 0;
    }

    /// <summary>
    /// True when the line is a delimiter of any open multipart, checked from the innermost out:
    /// RFC 2046 §5.1.1 only requires the boundary to appear in its entirety at the start of the
    /// line, so trailing whitespace or junk is allowed and "--" after it closes. Checking the inner
    /// boundary first keeps an inner boundary that extends the outer one ("b" and "b-1") apart;
    /// an enclosing boundary still ends an inner multipart that lacks its closing line (§5.1.2).
    /// </summary>
    private bool IsBoundaryLine(ReadOnlySpan<byte> line)
    {
        if (_boundaries.Count == 0 || line.Length < 2 || line[0] != '-' || line[1] != '-') return false;
        for (var i = _boundaries.Count - 1; i >= 0; i--)
        {
            var marker = _boundaries[i];
            if (!line.StartsWith(marker)) continue;
            var rest = line[marker.Length..];
            _matchedBoundary = i;
            _matchedClose = rest.Length >= 2 && rest[0] == '-' && rest[1] == '-';
            return true;
        }
        return false;
    }

    /// <summary>
    /// Whether the line ends with a closing delimiter glued to text ("text--boundary--"), as
    /// generators that forget the line break before the final delimiter write it. It only counts
    /// when it is the last line of the input (checked by the caller at the end), so delimiter-like
    /// text elsewhere is never cut.
    /// </summary>
    private bool FindGluedCloseDelimiter(ReadOnlySpan<byte> line, out int at, out int level)
    {
        at = 0;
        level = -1;
        var trimmed = line.TrimEnd(" \t\r\n"u8);
        if (_boundaries.Count == 0 || !trimmed.EndsWith("--"u8)) return false;
        var withoutClose = trimmed[..^2];
        for (var i = _boundaries.Count - 1; i >= 0; i--)
        {
            if (!withoutClose.EndsWith(_boundaries[i])) continue;
            at = withoutClose.Length - _boundaries[i].Length;
            level = i;
            return true;
        }
        return false;
    }

    private string? TakeSmallText()
    {
        using var store = _content.Complete();
        if (store.Length == 0 || store.Length > MaxPreambleBytes || store is not MemoryContentStore memory) return null;
        return HeaderBlock.DecodeLenient(memory.Bytes, _fallback);
    }

    private static string? NormalizeTransferEncoding(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var span = value.AsSpan().Trim();
        var stop = span.IndexOfAny(" \t;(\"");
        if (stop >= 0) span = span[..stop];
        return span.IsEmpty ? null : span.ToString().ToLowerInvariant();
    }

    private static string? ParseContentId(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (MessageIdParser.ParseOne(value) is { Length: > 0 } id) return id;
        var trimmed = value.Trim().Trim('<', '>').Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }
}
