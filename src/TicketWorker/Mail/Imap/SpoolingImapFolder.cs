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
    /// <inheritdoc />
    protected override Stream CreateStream(UniqueId? uid, string section, int offset, int length)
    {
        if (length <= spool.Threshold) return new MemoryStream(Math.Max(length, 0));
        Directory.CreateDirectory(spool.Directory);
        var path = Path.Combine(spool.Directory, $"imap-{Guid.NewGuid():N}.spool");
        // DeleteOnClose: MailKit disposes the stream after the callback, and a crash leaves the file
        // to the OS's temporary-file cleaning rather than to us.
        return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
            FileOptions.DeleteOnClose | FileOptions.SequentialScan);
    }
}
