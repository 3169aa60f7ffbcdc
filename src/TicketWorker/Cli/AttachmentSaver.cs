using System.Text;
using TicketWorker.Intake;
using TicketWorker.Mail.Reading;
using TicketWorker.Storage;

namespace TicketWorker.Cli;

/// <summary>One file <c>tickets show --save-attachments</c> wrote, or an attachment it could not write.</summary>
public sealed record SavedAttachment(string MessageId, string? FileName, string? Path, long Size, string? Skipped);

/// <summary>
/// Writes the attachments of a ticket's inbound mail, decoded from the stored raw mail, into a folder: names from the
/// mail made safe (no folders, no traversal, no control characters), duplicates and files already
/// there numbered ("report (2).pdf"); nothing is ever overwritten.
/// </summary>
public sealed class AttachmentSaver(RawMailStore rawStore, IngestContext context)
{
    private const int MaxNameBytes = 200;

    public async Task<IReadOnlyList<SavedAttachment>> SaveAsync(TicketDetails ticket, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var saved = new List<SavedAttachment>();
        var index = 0;
        // Inbound mail only: a notification we sent carries copies of the customer's files, not new ones.
        foreach (var message in ticket.Messages.Where(m => m.Direction == MessageDirection.Inbound && m.Attachments.Count > 0))
        {
            if (message.RawReference is not { } reference)
            {
                saved.AddRange(message.Attachments.Select(a => new SavedAttachment(message.MessageId, a.FileName, null, a.Size, "the raw mail is not stored")));
                continue;
            }
            await using var raw = await rawStore.OpenAsync(reference, cancellationToken).ConfigureAwait(false);
            await MessageReader.ReadWithContentsAsync(raw, async (read, contents) =>
            {
                foreach (var attachment in read.Attachments)
                {
                    index++;
                    await using var content = await contents.OpenAsync(attachment, cancellationToken).ConfigureAwait(false);
                    if (content is null)
                    {
                        saved.Add(new(message.MessageId, attachment.FileName, null, attachment.Size, "inside another part (uuencoded text or winmail.dat); not saved separately"));
                        continue;
                    }
                    var (path, stream) = CreateUnique(directory, SafeName(attachment.FileName, attachment.ContentType, index));
                    await using (stream) await content.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
                    saved.Add(new(message.MessageId, attachment.FileName, path, new FileInfo(path).Length, null));
                }
                return 0;
            }, context.ReaderOptions, cancellationToken).ConfigureAwait(false);
        }
        return saved;
    }

    /// <summary>A file name that stays inside the folder it is written to; <c>attachment-N</c> (with an extension from the type) when nothing usable is left.</summary>
    public static string SafeName(string? name, string contentType, int index)
    {
        // The last path segment only, whichever separator the sender's system used.
        var last = (name ?? "").Replace('\\', '/').Split('/').Last();
        var clean = new StringBuilder(last.Length);
        foreach (var c in last.Normalize(NormalizationForm.FormC))
            clean.Append(char.IsControl(c) || c is ':' or '*' or '?' or '"' or '<' or '>' or '|' || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format ? '_' : c);
        // Leading dots would hide the file (or be "." and ".."); trailing dots and blanks confuse other systems.
        var result = clean.ToString().Trim().TrimStart('.').TrimEnd('.', ' ');
        if (result.Length == 0) result = $"attachment-{index}{ExtensionFor(contentType)}";
        return Shorten(result);
    }

    private static string Shorten(string name)
    {
        if (Encoding.UTF8.GetByteCount(name) <= MaxNameBytes) return name;
        var extension = Path.GetExtension(name);
        if (Encoding.UTF8.GetByteCount(extension) > 20) extension = "";
        var stem = name[..^extension.Length];
        while (Encoding.UTF8.GetByteCount(stem) + Encoding.UTF8.GetByteCount(extension) > MaxNameBytes)
            stem = stem[..^(char.IsLowSurrogate(stem[^1]) && stem.Length > 1 ? 2 : 1)];
        return stem + extension;
    }

    /// <summary>Creates the file new (never over an existing one), numbering the name until it is free.</summary>
    private static (string Path, FileStream Stream) CreateUnique(string directory, string name)
    {
        var stem = Path.GetFileNameWithoutExtension(name);
        var extension = Path.GetExtension(name);
        for (var n = 1; ; n++)
        {
            var path = Path.Combine(directory, n == 1 ? name : $"{stem} ({n}){extension}");
            try { return (path, new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous)); }
            catch (IOException) when (File.Exists(path) || Directory.Exists(path)) { }
        }
    }

    private static string ExtensionFor(string contentType) => contentType.ToLowerInvariant() switch
    {
        "application/pdf" => ".pdf",
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "text/plain" => ".txt",
        "text/html" => ".html",
        "text/calendar" => ".ics",
        "message/rfc822" => ".eml",
        "application/zip" => ".zip",
        _ => ".bin",
    };
}
