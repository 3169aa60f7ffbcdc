using MailKit;
using MailKit.Net.Imap;

namespace TicketWorker.Mail.Imap;

/// <summary>
/// An IMAP folder that keeps large fetched literals in a temporary file instead of memory. MailKit
/// buffers every literal it hands to GetStream(s) in memory by default, so one 50 MB message in a
/// backlog would cost 50 MB of heap (more while the buffer grows); above the threshold the bytes
/// go to a file that deletes itself when the stream is disposed.
/// </summary>
public sealed class SpoolingImapFolder(ImapFolderConstructorArgs args, SpoolOptions spool) : ImapFolder(args)
{
    /// <summary>
    /// While set, makes the stream each fetched literal is written to (intake: an entry of the batch's raw segment,
    /// so the bytes go to disk once, not through memory); the caller sets it around one fetch, as IMAP runs one
    /// command at a time on a connection.
    /// </summary>
    public Func<Stream>? LiteralTarget { get; set; }

    /// <inheritdoc />
    protected override Stream CreateStream(UniqueId? uid, string section, int offset, int length)
    {
        if (LiteralTarget is { } target) return target();
        if (length <= spool.Threshold) return new MemoryStream(Math.Max(length, 0));
        Directory.CreateDirectory(spool.Directory);
        var path = Path.Combine(spool.Directory, $"imap-{Guid.NewGuid():N}.spool");
        // DeleteOnClose: MailKit disposes the stream after the callback, and a crash leaves the file
        // to the OS's temporary-file cleaning rather than to us.
        return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
            FileOptions.DeleteOnClose | FileOptions.SequentialScan);
    }
}
