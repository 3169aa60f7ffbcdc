using System.Buffers;
using System.Text;
using System.Text.Unicode;
using MimeKit;
using MimeKit.IO;

namespace TicketWorker.Mail.Reading;

/// <summary>
/// Reads one message with MimeKit into a <see cref="ReadMessage"/>, leniently: the stages never see
/// MimeKit's tree. The parse is persistent over the stream (a file), so part contents stay on disk
/// and are streamed once for their size or text: a 50 MB attachment is never held in memory.
/// </summary>
public static class MessageReader
{
    private static readonly byte[] BlankLine = "\r\n"u8.ToArray();
    private const long SmallMessage = 1024 * 1024;

    /// <summary>Reads the message in a file.</summary>
    /// <exception cref="MessageReadException">The file is not mail at all (empty, or binary without a header field).</exception>
    public static async Task<ReadMessage> ReadAsync(string path, MessageReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Synchronous file I/O with a small buffer: on Linux "asynchronous" file reads go through the thread pool and cost more than they save for mail-sized files.
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 16 * 1024, FileOptions.SequentialScan);
        return await ReadAsync(file, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the message from the stream's position to its end; the stream stays open.</summary>
    /// <exception cref="MessageReadException">The input is not mail at all (empty, or binary without a header field).</exception>
    public static Task<ReadMessage> ReadAsync(Stream stream, MessageReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= MessageReaderOptions.Default;
        return VisitAsync(stream, options, (message, length, parserOptions, headerEncoding, fallback) =>
            new MessageConverter(options, parserOptions, headerEncoding, fallback).ConvertAsync(message, length, 0, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Reads the message and hands it to <paramref name="use"/> with access to its attachments'
    /// decoded content, while the input is still open; the stream stays open.
    /// </summary>
    /// <exception cref="MessageReadException">The input is not mail at all.</exception>
    public static Task<T> ReadWithContentsAsync<T>(Stream stream, Func<ReadMessage, AttachmentContents, Task<T>> use, MessageReaderOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(use);
        options ??= MessageReaderOptions.Default;
        return VisitAsync(stream, options, async (message, length, parserOptions, headerEncoding, fallback) =>
        {
            var converter = new MessageConverter(options, parserOptions, headerEncoding, fallback);
            var read = await converter.ConvertAsync(message, length, 0, cancellationToken).ConfigureAwait(false);
            return await use(read, new AttachmentContents(converter.Sources)).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>
    /// Parses leniently (header block repaired, 8-bit headers in the declared charset) and hands
    /// MimeKit's message to <paramref name="visit"/> while the input is still open. Internal: the
    /// stages get a <see cref="ReadMessage"/>; tests use this to compare decoded parts byte for byte.
    /// </summary>
    internal static async Task<T> VisitAsync<T>(Stream stream, MessageReaderOptions options,
        Func<MimeMessage, long, ParserOptions, Encoding, Encoding, Task<T>> visit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            // Persistent parsing needs to seek; a pipe is spooled to a temporary file, not to memory.
            await using var spool = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
                FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            await stream.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
            spool.Position = 0;
            return await VisitAsync(spool, options, visit, cancellationToken).ConfigureAwait(false);
        }

        var origin = stream.Position;
        var length = stream.Length - origin;
        var headLength = (int)Math.Min(length, options.MaxHeaderBytes);
        var head = ArrayPool<byte>.Shared.Rent(Math.Max(headLength, 1));
        HeaderBlockRepair.Result inspection;
        try
        {
            await stream.ReadExactlyAsync(head.AsMemory(0, headLength), cancellationToken).ConfigureAwait(false);
            inspection = HeaderBlockRepair.Inspect(head.AsSpan(0, headLength), wholeInput: headLength == length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }
        if (inspection.Verdict == HeaderBlockRepair.Verdict.NotMail) throw new MessageReadException(inspection.Reason!);

        var fallback = PartContent.Charset(options.FallbackCharset) ?? Encoding.Latin1;
        var parserOptions = ParserOptionsFor(fallback, options);
        var (message, input) = await ParseAsync(stream, origin, inspection, parserOptions, cancellationToken).ConfigureAwait(false);
        var headerEncoding = fallback;
        Stream? repaired = null;
        try
        {
            // 8-bit header bytes that are not UTF-8 are most likely in the charset the sender's
            // client declared for the text; MimeKit alone would guess windows-1252/Latin-1.
            if (DeclaredTextCharset(message) is { } declared && declared.CodePage != fallback.CodePage && HasLegacy8BitHeader(message))
            {
                message.Dispose();
                await DisposeInputAsync(input, stream).ConfigureAwait(false);
                parserOptions = parserOptions.Clone();
                parserOptions.CharsetEncoding = declared;
                headerEncoding = declared;
                (message, input) = await ParseAsync(stream, origin, inspection, parserOptions, cancellationToken).ConfigureAwait(false);
            }
            if (StructureRepair.IsNeeded(message.Body))
            {
                repaired = await RepairedCopyAsync(stream, origin, inspection, cancellationToken).ConfigureAwait(false);
                var second = await new MimeParser(parserOptions, repaired, MimeFormat.Entity, persistent: true).ParseMessageAsync(cancellationToken).ConfigureAwait(false);
                if (CountEntities(second.Body) > CountEntities(message.Body)) (message, second) = (second, message);
                second.Dispose();
            }
            using (message)
                return await visit(message, length, parserOptions, headerEncoding, fallback).ConfigureAwait(false);
        }
        finally
        {
            await DisposeInputAsync(input, stream).ConfigureAwait(false);
            if (repaired is not null) await repaired.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A temporary copy of the input with part headers and boundary lines fixed (see <see cref="StructureRepair"/>).</summary>
    private static async Task<Stream> RepairedCopyAsync(Stream stream, long origin, HeaderBlockRepair.Result inspection, CancellationToken cancellationToken)
    {
        // Small messages are repaired in memory; a large one goes to a temporary file, not to the heap.
        Stream copy = stream.Length - origin <= SmallMessage ? new MemoryStream()
            : new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        var source = Input(stream, origin, inspection);
        try
        {
            await StructureRepair.CopyFixedAsync(source, copy, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await DisposeInputAsync(source, stream).ConfigureAwait(false);
        }
        copy.Position = 0;
        return copy;
    }

    private static int CountEntities(MimeEntity? entity) => entity switch
    {
        Multipart multipart => 1 + multipart.Sum(CountEntities),
        MessagePart { Message.Body: var body } => 1 + CountEntities(body),
        null => 0,
        _ => 1,
    };

    /// <summary>MimeKit's options for our limits, made once per combination (never changed after; a per-message charset works on a clone).</summary>
    private static ParserOptions ParserOptionsFor(Encoding fallback, MessageReaderOptions options) =>
        ParserOptionsCache.GetOrAdd((fallback.CodePage, options.MaxDepth), static key =>
        {
            var parserOptions = ParserOptions.Default.Clone();
            parserOptions.CharsetEncoding = Encoding.GetEncoding(key.CodePage);
            parserOptions.MaxMimeDepth = key.MaxDepth;
            return parserOptions;
        });

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int CodePage, int MaxDepth), ParserOptions> ParserOptionsCache = new();

    /// <summary>Parses from the input, repaired as the inspection said; a message MimeKit still refuses is read as a text without headers.</summary>
    private static async Task<(MimeMessage, Stream)> ParseAsync(Stream stream, long origin, HeaderBlockRepair.Result inspection, ParserOptions parserOptions, CancellationToken cancellationToken)
    {
        var input = Input(stream, origin, inspection);
        try
        {
            return (await new MimeParser(parserOptions, input, MimeFormat.Entity, persistent: true).ParseMessageAsync(cancellationToken).ConfigureAwait(false), input);
        }
        catch (FormatException) when (inspection.Verdict != HeaderBlockRepair.Verdict.Headerless)
        {
            await DisposeInputAsync(input, stream).ConfigureAwait(false);
        }
        input = Input(stream, origin, inspection with { Verdict = HeaderBlockRepair.Verdict.Headerless });
        try
        {
            return (await new MimeParser(parserOptions, input, MimeFormat.Entity, persistent: true).ParseMessageAsync(cancellationToken).ConfigureAwait(false), input);
        }
        catch (FormatException e)
        {
            await DisposeInputAsync(input, stream).ConfigureAwait(false);
            throw new MessageReadException("not a message: " + e.Message, e);
        }
    }

    private static Stream Input(Stream stream, long origin, HeaderBlockRepair.Result inspection)
    {
        switch (inspection.Verdict)
        {
            case HeaderBlockRepair.Verdict.Repaired:
                var repaired = new ChainedStream();
                repaired.Add(new MemoryStream(inspection.Header, writable: false));
                repaired.Add(new BoundStream(stream, origin + inspection.RestOffset, -1, leaveOpen: true));
                return repaired;
            case HeaderBlockRepair.Verdict.Headerless:
                // A blank first line is an empty header block: everything is the body (RFC 5322 §3.5).
                var headerless = new ChainedStream();
                headerless.Add(new MemoryStream(BlankLine, writable: false));
                headerless.Add(new BoundStream(stream, origin, -1, leaveOpen: true));
                return headerless;
            default:
                stream.Position = origin;
                return stream;
        }
    }

    private static async ValueTask DisposeInputAsync(Stream input, Stream stream)
    {
        if (!ReferenceEquals(input, stream)) await input.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The charset of the first text part that declares one other than US-ASCII or UTF-8.</summary>
    private static Encoding? DeclaredTextCharset(MimeMessage message)
    {
        foreach (var part in message.BodyParts)
        {
            if (part is not TextPart text || string.IsNullOrWhiteSpace(text.ContentType.Charset)) continue;
            if (PartContent.Charset(text.ContentType.Charset) is { CodePage: not (65001 or 20127) } encoding) return encoding;
        }
        return null;
    }

    private static bool HasLegacy8BitHeader(MimeMessage message)
    {
        foreach (var header in message.Headers)
        {
            var raw = header.RawValue.AsSpan();
            if (!Ascii.IsValid(raw) && !Utf8.IsValid(raw)) return true;
        }
        return false;
    }
}
