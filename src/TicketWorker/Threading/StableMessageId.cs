using System.Security.Cryptography;

namespace TicketWorker.Threading;

/// <summary>
/// A Message-ID for a message that has none: a hash of its bytes without the trace fields that
/// differ between two deliveries of the same message (Received, Return-Path, Delivered-To,
/// X-Original-To …), so two copies from two mailboxes get the same id and thread as one.
/// </summary>
public static class StableMessageId
{
    private static readonly string[] TraceFields =
    [
        "received", "return-path", "delivered-to", "x-original-to", "x-delivered-to", "x-envelope-to",
        "x-envelope-from", "envelope-to", "x-rcpt-to", "x-received", "arc-seal", "arc-message-signature",
        "arc-authentication-results", "authentication-results", "received-spf", "x-spam-status", "x-spam-score",
        "x-spam-flag", "x-spam-level", "x-virus-scanned", "dkim-filter",
    ];

    public const string Domain = "generated.ticketworker.invalid";

    /// <summary>Hashes a raw message from a stream (read to the end; never buffered whole).</summary>
    public static async Task<string> ComputeAsync(Stream raw, CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var reader = new LineReader(raw);
        var inHeaders = true;
        var skipping = false;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (inHeaders)
            {
                var content = TrimEol(line);
                if (content.Length == 0) { inHeaders = false; hash.AppendData("\n"u8); continue; }
                var continuation = content[0] is (byte)' ' or (byte)'\t';
                if (!continuation) skipping = IsTraceField(content);
                if (skipping) continue;
                hash.AppendData(content);
                hash.AppendData("\n"u8);
            }
            else
            {
                // Line ends normalised: one copy may have come over IMAP (CRLF), another from a pipe (LF).
                hash.AppendData(TrimEol(line));
                hash.AppendData("\n"u8);
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 20)) + "@" + Domain;
    }

    private static ReadOnlySpan<byte> TrimEol(ReadOnlySpan<byte> line)
    {
        if (line.EndsWith("\n"u8)) line = line[..^1];
        if (line.EndsWith("\r"u8)) line = line[..^1];
        return line;
    }

    private static bool IsTraceField(ReadOnlySpan<byte> line)
    {
        var colon = line.IndexOf((byte)':');
        if (colon <= 0) return false;
        var name = System.Text.Encoding.ASCII.GetString(line[..colon]).Trim().ToLowerInvariant();
        return TraceFields.Contains(name);
    }

    /// <summary>Reads lines (with their line ends) from a stream with a fixed buffer; long lines come in pieces.</summary>
    private sealed class LineReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start, _end;
        private bool _eof;

        public async ValueTask<byte[]?> ReadLineAsync(CancellationToken ct)
        {
            while (true)
            {
                var span = _buffer.AsSpan(_start, _end - _start);
                var nl = span.IndexOf((byte)'\n');
                if (nl >= 0) { var line = span[..(nl + 1)].ToArray(); _start += nl + 1; return line; }
                if (_eof || (_start == 0 && _end == _buffer.Length))
                {
                    if (_end == _start) return null;
                    var rest = span.ToArray(); _start = _end = 0; return rest;
                }
                if (_start > 0) { span.CopyTo(_buffer); _end -= _start; _start = 0; }
                var n = await stream.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
                if (n == 0) _eof = true; else _end += n;
            }
        }
    }
}
