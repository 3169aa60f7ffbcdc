using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Unicode;
using MimeKit;
using MimeKit.Encodings;

namespace TicketWorker.Mail.Reading;

/// <summary>
/// Decoded bytes, text and size of a leaf part, streamed from its content (over the raw file when
/// the parse is persistent) so a 50 MB attachment is counted, never held.
/// </summary>
internal static class PartContent
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>The decoded bytes, at most <paramref name="max"/> of them.</summary>
    public static async Task<byte[]> ReadDecodedAsync(MimePart part, int max, CancellationToken cancellationToken)
    {
        using var output = new MemoryStream(DecodedSizeEstimate(part, max));
        await DecodeAsync(part, max, output, cancellationToken).ConfigureAwait(false);
        return output.ToArray();
    }

    /// <summary>The decoded text, at most <paramref name="max"/> bytes of it decoded (see <see cref="DecodeText"/>).</summary>
    /// <param name="lineEndsAsLf">CRLF and lone CR as LF, as <see cref="MessageConverter.NormalizeLineEnds"/> gives them.</param>
    public static async Task<string> ReadTextAsync(MimePart part, int max, Encoding fallback, bool lineEndsAsLf, CancellationToken cancellationToken)
    {
        // One buffer of about the right size, read in place (growing from 256 bytes and copying the result out made
        // three to four arrays per text part), and rented: the bytes live only until they are the text, and a new
        // array for each large part was large-object heap, whose allocations start full collections.
        using var output = new PooledStream(DecodedSizeEstimate(part, max));
        await DecodeAsync(part, max, output, cancellationToken).ConfigureAwait(false);
        var bytes = output.Written;
        if (!lineEndsAsLf) return DecodeText(bytes, part.ContentType.Charset, fallback);
        // Mail's CRLF made LF in the bytes when every charset DecodeText may choose reads CR and LF bytes as CR and
        // LF, whatever is around them (UTF-8 and the ASCII-compatible single-byte charsets): the text is then
        // decoded once, not decoded and copied again without its CRs.
        if (KeepsLineEndBytes(Charset(part.ContentType.Charset)) && KeepsLineEndBytes(fallback))
            return DecodeText(bytes[..LineEndsAsLf(bytes)], part.ContentType.Charset, fallback);
        return MessageConverter.NormalizeLineEnds(DecodeText(bytes, part.ContentType.Charset, fallback));
    }

    /// <summary>CRLF and lone CR as LF, in place; returns the new length.</summary>
    internal static int LineEndsAsLf(Span<byte> bytes)
    {
        var read = bytes.IndexOf((byte)'\r');
        if (read < 0) return bytes.Length;
        var written = read;
        while (read < bytes.Length)
        {
            // bytes[read] is a CR: one LF for it and the LF after it, then the run up to the next CR.
            bytes[written++] = (byte)'\n';
            read++;
            if (read < bytes.Length && bytes[read] == '\n') read++;
            var next = bytes[read..].IndexOf((byte)'\r');
            var run = next < 0 ? bytes.Length - read : next;
            bytes.Slice(read, run).CopyTo(bytes[written..]);
            (read, written) = (read + run, written + run);
        }
        return written;
    }

    /// <summary>
    /// Whether the charset decodes a CR byte as CR and an LF byte as LF wherever they stand (UTF-8, and single-byte
    /// charsets that agree with ASCII there; not UTF-16, not EBCDIC, not the double-byte ones, whose decoders may
    /// take such a byte into a broken pair). A null charset (none declared) is UTF-8's rule.
    /// </summary>
    internal static bool KeepsLineEndBytes(Encoding? encoding) =>
        encoding is null || LineEndBytes.GetOrAdd(encoding.CodePage, static (_, e) =>
            e.CodePage is 65001 or 20127 || (e.IsSingleByte && e.GetString([(byte)'\r', (byte)'\n']) == "\r\n"), encoding);

    private static readonly ConcurrentDictionary<int, bool> LineEndBytes = new();

    /// <summary>About the decoded size (base64 is 3/4 of its text; quoted-printable and the rest at most their own length), at most <paramref name="max"/>.</summary>
    private static int DecodedSizeEstimate(MimePart part, int max)
    {
        var encoded = EncodedLength(part);
        var estimate = part.Content?.Encoding == ContentEncoding.Base64 ? encoded / 4 * 3 + 3 : encoded;
        return (int)Math.Clamp(estimate, 0, max);
    }

    /// <summary>The size of the content as sent (transfer-encoded).</summary>
    public static long EncodedLength(MimePart part) => part.Content?.Stream is { CanSeek: true } s ? s.Length : 0;

    /// <summary>The decoded size in bytes.</summary>
    public static async Task<long> DecodedSizeAsync(MimePart part, CancellationToken cancellationToken)
    {
        if (part.Content?.Stream is not { } raw) return 0;
        raw.Seek(0, SeekOrigin.Begin);
        var encoding = part.Content.Encoding;
        if (encoding is not (ContentEncoding.Base64 or ContentEncoding.QuotedPrintable or ContentEncoding.UUEncode))
            return raw.CanSeek ? raw.Length : await CountAsync(raw, cancellationToken).ConfigureAwait(false);
        if (encoding == ContentEncoding.Base64)
        {
            // Counting sextets is enough for base64: no bytes are produced.
            var base64 = new LenientBase64();
            var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
            try
            {
                long size = 0;
                int n;
                while ((n = await raw.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
                    size += base64.Count(buffer.AsSpan(0, n));
                return size + base64.CountFlush();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        var counter = new CountingStream();
        await DecodeAsync(part, long.MaxValue, counter, cancellationToken).ConfigureAwait(false);
        return counter.Length;
    }

    /// <summary>
    /// Text of decoded bytes: the declared charset when .NET knows it (with the code-pages provider
    /// and UTF-7 enabled, see <see cref="MailEncodings"/>); UTF-8 when undeclared, declared as
    /// UTF-8/US-ASCII or unknown and the bytes are valid UTF-8; else the fallback charset, so
    /// broken mail reads as words rather than replacement characters.
    /// </summary>
    public static string DecodeText(ReadOnlySpan<byte> bytes, string? charset, Encoding fallback)
    {
        var declared = Charset(charset);
        if (declared is not null && declared.CodePage is not (65001 or 20127))
        {
            try
            {
                return declared.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                // A strict decoder; fall through to the undeclared rules.
            }
        }
        if (Ascii.IsValid(bytes) || Utf8.IsValid(bytes))
            return Encoding.UTF8.GetString(bytes[(bytes.StartsWith(Bom) ? 3 : 0)..]);
        return fallback.GetString(bytes);
    }

    /// <summary>The .NET encoding of a MIME charset name (MimeKit's aliases: ks_c_5601-1987, x-sjis, …), or null.</summary>
    public static Encoding? Charset(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset)) return null;
        return Charsets.GetOrAdd(charset.Trim().ToLowerInvariant(), static name =>
        {
            try
            {
                // MimeKit knows the aliases mail uses; .NET by name also asks the providers (UTF-7, see MailEncodings).
                return new ContentType("text", "plain") { Charset = name }.CharsetEncoding ?? Encoding.GetEncoding(name);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                return null;
            }
        });
    }

    private static readonly ConcurrentDictionary<string, Encoding?> Charsets = new(StringComparer.Ordinal);

    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    private static async Task DecodeAsync(MimePart part, long max, Stream output, CancellationToken cancellationToken)
    {
        if (part.Content?.Stream is not { } raw) return;
        raw.Seek(0, SeekOrigin.Begin);
        var encoding = part.Content.Encoding;
        var base64 = encoding == ContentEncoding.Base64 ? new LenientBase64() : null;
        var quotedPrintable = encoding == ContentEncoding.QuotedPrintable ? new QuotedPrintable() : null;
        IMimeDecoder? decoder = encoding == ContentEncoding.UUEncode ? new UUDecoder() : null;
        var input = ArrayPool<byte>.Shared.Rent(ChunkSize);
        // ChunkSize + 3 holds a chunk of base64 (3/4 of it + 3) and of quoted-printable (+ 2, QuotedPrintable.MaxOutputLength).
        var decoded = ArrayPool<byte>.Shared.Rent(decoder?.EstimateOutputLength(ChunkSize) ?? ChunkSize + 3);
        try
        {
            long written = 0;
            int n;
            while (written < max && (n = await raw.ReadAsync(input.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                // MimeKit's UUDecoder carries bytes over between chunks and wants room for them too.
                if (decoder is not null && decoder.EstimateOutputLength(n) is var need && decoded.Length < need)
                {
                    ArrayPool<byte>.Shared.Return(decoded);
                    decoded = ArrayPool<byte>.Shared.Rent(need);
                }
                var count = base64 is not null ? base64.Decode(input.AsSpan(0, n), decoded)
                    : quotedPrintable is not null ? quotedPrintable.Decode(input.AsSpan(0, n), decoded)
                    : decoder is not null ? decoder.Decode(input, 0, n, decoded)
                    : CopyTo(input.AsSpan(0, n), decoded);
                written += Write(output, decoded.AsSpan(0, count), max - written);
            }
            if (base64 is not null && written < max)
                written += Write(output, decoded.AsSpan(0, base64.Flush(decoded)), max - written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    private static int CopyTo(ReadOnlySpan<byte> input, Span<byte> output)
    {
        input.CopyTo(output);
        return input.Length;
    }

    private static long Write(Stream output, ReadOnlySpan<byte> bytes, long room)
    {
        if (bytes.Length > room) bytes = bytes[..(int)room];
        output.Write(bytes);
        return bytes.Length;
    }

    private static async Task<long> CountAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long total = 0;
            int n;
            while ((n = await stream.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0) total += n;
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
