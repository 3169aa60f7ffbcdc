using System.Text;

namespace TicketWorker.Testing;

/// <summary>
/// Writes a mail with one text part and one base64 attachment of <c>size</c> pseudo-random bytes,
/// as a mail client would, streaming to disk (the 50 MB case is never built in memory). Shared by
/// the tests and the benchmarks that need a large message (linked into both projects).
/// </summary>
internal static class LargeMessageFile
{
    public static async Task WriteAsync(string path, int size, string from, string? messageId, CancellationToken cancellationToken = default)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        await using var writer = new StreamWriter(file, new UTF8Encoding(false)) { NewLine = "\r\n" };
        await writer.WriteAsync($"From: {from}\r\nTo: support@example.test\r\nSubject: Large attachment\r\n" +
            (messageId is null ? "" : $"Message-ID: <{messageId}>\r\n") +
            "Date: Mon, 2 Mar 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"big\"\r\n\r\n" +
            "--big\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n--big\r\nContent-Type: application/octet-stream\r\n" +
            "Content-Disposition: attachment; filename=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        var random = new Random(7);
        var chunk = new byte[57 * 1024];
        for (var written = 0; written < size; written += chunk.Length)
        {
            var count = Math.Min(chunk.Length, size - written);
            random.NextBytes(chunk.AsSpan(0, count));
            // RFC 2045 §6.8: 76-character lines, i.e. 57 bytes per line.
            for (var offset = 0; offset < count; offset += 57)
                await writer.WriteLineAsync(Convert.ToBase64String(chunk, offset, Math.Min(57, count - offset)).AsMemory(), cancellationToken);
        }
        await writer.WriteAsync("--big--\r\n");
    }
}
