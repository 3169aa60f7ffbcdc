using System.Diagnostics;
using System.IO.Compression;
using System.Text;

namespace TicketWorker.Tests.Faults;

/// <summary>
/// Hostile mail in the mailbox of a running worker process: 100,000 header lines, a 10 MB line,
/// multipart nested 1,000 deep, NUL bytes, invalid charsets, a zip-bomb-like base64 attachment. The
/// worker does not crash, its peak resident memory stays bounded, and each message is ticketed,
/// ignored or quarantined with its raw bytes kept. The messages are put into the Maildir exactly as
/// written (an IMAP APPEND through MimeKit would tidy them first).
/// </summary>
[NonParallelizable]
public class HostileMailTests
{
    /// <summary>The bound on the worker's peak RSS: the quality bar's 200 MB for a backlog with a 50 MB message, plus headroom for the debug build.</summary>
    private const double PeakRssLimitMb = 300;

    [TearDown]
    public void TearDown() => FaultStack.Stack.Up();

    private static IEnumerable<(string Name, byte[] Raw)> Hostile()
    {
        static string Head(string name) =>
            $"From: Mallory <customer7@example.test>\r\nTo: support@example.test\r\nSubject: hostile {name}\r\n"
            + $"Date: Wed, 2 Dec 2026 09:00:00 +0000\r\nMessage-ID: <hostile-{name}@faults.example.org>\r\nMIME-Version: 1.0\r\n";

        var headers = new StringBuilder(Head("headers"));
        for (var i = 0; i < 100_000; i++) headers.Append("X-Junk-").Append(i).Append(": value ").Append(i).Append("\r\n");
        headers.Append("Content-Type: text/plain\r\n\r\nMany headers.\r\n");
        yield return ("headers", Encoding.ASCII.GetBytes(headers.ToString()));

        var line = new StringBuilder(Head("longline")).Append("Content-Type: text/plain\r\n\r\n");
        line.Append('a', 10 * 1024 * 1024).Append("\r\n");
        yield return ("longline", Encoding.ASCII.GetBytes(line.ToString()));

        var nested = new StringBuilder(Head("nesting")).Append("Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");
        for (var i = 1; i <= 1000; i++) nested.Append($"--b{i - 1}\r\nContent-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n");
        nested.Append("--b1000\r\nContent-Type: text/plain\r\n\r\nDeep down.\r\n");
        for (var i = 1000; i >= 0; i--) nested.Append($"--b{i}--\r\n");
        yield return ("nesting", Encoding.ASCII.GetBytes(nested.ToString()));

        var nul = Encoding.ASCII.GetBytes(Head("nul") + "X-Nul: a\0b\r\nContent-Type: text/plain\r\n\r\nBody with \0 NUL \0\0 bytes.\r\n");
        yield return ("nul", nul);

        var charsets = new List<byte>(Encoding.ASCII.GetBytes(Head("charsets").Replace("Subject: hostile charsets", "Subject: =?x-bogus-charset?B?SGVsbG8=?= =?utf-8?Q?=FF=FE?=")));
        charsets.AddRange(Encoding.ASCII.GetBytes("X-Raw: "));
        charsets.AddRange([0xC3, 0x28, 0xFF, 0xFE, 0xE2, 0x82]);
        charsets.AddRange(Encoding.ASCII.GetBytes("\r\nContent-Type: text/plain; charset=\"x-unknown-9\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"));
        charsets.AddRange([0x80, 0x81, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0x0D, 0x0A]);
        yield return ("charsets", charsets.ToArray());

        // A gzip of 200 MB of zeros (about 200 KB): a reader that inflated attachments would blow up.
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 200; i++) gzip.Write(zeros);
        }
        var bomb = new StringBuilder(Head("bomb"))
            .Append("Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nSee attachment.\r\n")
            .Append("--x\r\nContent-Type: application/gzip; name=\"bomb.gz\"\r\nContent-Disposition: attachment; filename=\"bomb.gz\"\r\n")
            .Append("Content-Encoding: gzip\r\nContent-Transfer-Encoding: base64\r\n\r\n")
            .Append(Convert.ToBase64String(compressed.ToArray(), Base64FormattingOptions.InsertLineBreaks))
            .Append("\r\n--x--\r\n");
        yield return ("bomb", Encoding.ASCII.GetBytes(bomb.ToString()));
    }

    /// <summary>Delivers raw bytes the Maildir way (tmp/, then rename into new/), owned by the mail user.</summary>
    private static void Deliver(string user, string name, byte[] raw)
    {
        var maildir = Path.Combine(FaultStack.StateDirectory, "mail", "example.test", user, "Maildir");
        var file = $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.hostile-{name}-{Guid.NewGuid():N}.faults";
        var temp = Path.Combine(maildir, "tmp", file);
        File.WriteAllBytes(temp, raw);
        using (var chown = Process.Start("chown", ["vmail:vmail", temp])) chown.WaitForExit();
        File.Move(temp, Path.Combine(maildir, "new", file));
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task HostileMailIsTicketedOrQuarantinedWithItsRawBytesAndMemoryStaysBounded(CancellationToken cancellationToken)
    {
        var stack = FaultStack.Stack;
        await stack.EmptyInboxAsync("support", cancellationToken);
        var mails = Hostile().ToList();
        foreach (var (name, raw) in mails) Deliver("support", name, raw);
        TestContext.Progress.WriteLine("hostile mail: " + string.Join(", ", mails.Select(m => $"{m.Name} {m.Raw.Length / 1024.0:F0} KB")));

        using var w = new FaultWorker(stack);
        using var worker = w.Start();
        var clock = Stopwatch.StartNew();
        const string handled = "SELECT (SELECT COUNT(*) FROM messages WHERE direction = 'inbound') + (SELECT COUNT(*) FROM quarantine) + (SELECT COUNT(*) FROM ignored_messages)";
        await w.WaitForAsync(handled, n => n >= mails.Count, cancellationToken, 100, worker);
        await w.WaitForAsync("SELECT COUNT(*) FROM mailbox_checkpoints WHERE backlog = 0", n => n >= 1, cancellationToken, 100, worker);
        var peak = FaultWorker.PeakRssMb(worker.Id);
        TestContext.Progress.WriteLine($"{mails.Count} hostile messages handled in {clock.Elapsed.TotalSeconds:F1} s; worker peak RSS {peak:F0} MB");
        Assert.That(worker.HasExited, Is.False, "no crash");
        Assert.That(worker.Terminate(TimeSpan.FromSeconds(30)), Is.True, "the worker stops cleanly");

        var rows = await w.RowsAsync("""
            SELECT 'ticketed', raw_reference, raw_size, subject FROM messages WHERE direction = 'inbound'
            UNION ALL SELECT 'quarantined', raw_reference, raw_size, reason FROM quarantine
            UNION ALL SELECT 'ignored', raw_reference, raw_size, reason FROM ignored_messages
            """, cancellationToken);
        foreach (var r in rows) TestContext.Progress.WriteLine($"  {r[0]}: {r[2]} bytes, {r[3]?[..Math.Min(r[3]!.Length, 100)]}");
        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Count.EqualTo(mails.Count), "each message handled once");
            Assert.That(rows.Select(r => long.Parse(r[2]!)).Order(), Is.EqualTo(mails.Select(m => (long)m.Raw.Length).Order()), "raw sizes are the delivered sizes");
            foreach (var r in rows)
            {
                Assert.That(RawBytesKept(w.RawMailPath, r[1]!, long.Parse(r[2]!)), Is.True, $"raw bytes kept for the {r[0]} message of {r[2]} bytes ({r[1]})");
            }
            Assert.That(peak, Is.LessThan(PeakRssLimitMb), "peak RSS of the worker process (MB)");
        });
    }

    /// <summary>
    /// Whether the raw store holds <paramref name="size"/> bytes under <paramref name="reference"/>: a
    /// content-addressed file (<c>…:HASH</c>) or a slice of a batch's segment file (<c>seg:NAME:OFFSET:LENGTH</c>).
    /// </summary>
    private static bool RawBytesKept(string rawMailPath, string reference, long size)
    {
        var parts = reference.Split(':');
        if (parts[0] == "seg")
        {
            var (name, offset, length) = (parts[1], long.Parse(parts[2]), long.Parse(parts[3]));
            var segment = Path.Combine(rawMailPath, "seg", name[..2], name + ".seg");
            return length == size && File.Exists(segment) && new FileInfo(segment).Length >= offset + length;
        }
        var hash = parts[^1];
        var file = Path.Combine(rawMailPath, hash[..2], hash[2..4], hash);
        return File.Exists(file) && new FileInfo(file).Length == size;
    }
}
