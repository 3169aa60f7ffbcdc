using MailKit;
using MailKit.Net.Imap;

namespace TicketWorker.Mail.Imap;

/// <summary>
/// Folder work every IMAP user of ours shares: names as the server's personal namespace wants them
/// (a configured "Archive/2026" is "INBOX.Archive.2026" on servers with prefix "INBOX." and
/// separator "."), creating a missing folder, moving without MOVE, and the highest UID present.
/// </summary>
public static class ImapFolders
{
    /// <summary>The server's full name for a configured folder name ("/" separates levels in configuration).</summary>
    public static string FullName(ImapClient client, string name)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(name);
        // RFC 3501 §5.1: INBOX is case-insensitive and always the user's own inbox.
        if (string.Equals(name, "INBOX", StringComparison.OrdinalIgnoreCase)) return "INBOX";
        if (client.PersonalNamespaces.FirstOrDefault() is not { } personal) return name;
        var separator = personal.DirectorySeparator;
        var path = separator == '/' ? name : name.Replace('/', separator);
        var prefix = NamespacePrefix(personal);
        // RFC 2342 §5: names in the personal namespace start with its prefix; a name already written
        // with it (or under INBOX) is taken as it is.
        if (prefix.Length == 0 || path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("INBOX" + separator, StringComparison.OrdinalIgnoreCase))
            return path;
        return prefix + path;
    }

    /// <summary>The folder for a configured name; <see cref="FolderNotFoundException"/> when the server has none.</summary>
    public static async Task<IMailFolder> GetAsync(ImapClient client, string name, CancellationToken cancellationToken = default)
    {
        var full = FullName(client, name);
        if (full == "INBOX") return client.Inbox;
        return await client.GetFolderAsync(full, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The folder for a configured name, created (with its missing parents) when the server has none.</summary>
    public static async Task<IMailFolder> GetOrCreateAsync(ImapClient client, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            // MailKit keeps a folder it deleted in its cache, marked as not existing.
            if (await GetAsync(client, name, cancellationToken).ConfigureAwait(false) is { Exists: true } found) return found;
        }
        catch (FolderNotFoundException)
        {
            // Created below, level by level.
        }

        var personal = client.PersonalNamespaces.FirstOrDefault() ?? throw new InvalidOperationException("The server announces no personal namespace.");
        var separator = personal.DirectorySeparator;
        var full = FullName(client, name);
        var prefix = NamespacePrefix(personal);
        var relative = prefix.Length > 0 && full.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? full[prefix.Length..] : full;
        IMailFolder parent = prefix.Length > 0 ? await client.GetFolderAsync(prefix.TrimEnd(separator), cancellationToken).ConfigureAwait(false) : client.GetFolder(personal)
            ?? throw new InvalidOperationException("The server has no folder for its personal namespace.");
        foreach (var level in relative.Split(separator, StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                var child = await parent.GetSubfolderAsync(level, cancellationToken).ConfigureAwait(false);
                if (child.Exists)
                {
                    parent = child;
                    continue;
                }
            }
            catch (FolderNotFoundException)
            {
                // Created next.
            }
            {
                parent = await parent.CreateAsync(level, isMessageFolder: true, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Creating the folder '{level}' returned nothing.");
            }
        }
        return parent;
    }

    /// <summary>
    /// Moves messages: UID MOVE where the server has it (RFC 6851); else COPY, \Deleted and, with
    /// UIDPLUS, UID EXPUNGE of exactly these (RFC 4315 §2.1). Never a plain EXPUNGE, which would also
    /// remove mail an agent marked deleted; without UIDPLUS the copies stay flagged \Deleted.
    /// </summary>
    public static async Task MoveAsync(ImapClient client, IMailFolder source, IList<UniqueId> uids, IMailFolder destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(source);
        if (uids.Count == 0) return;
        if (client.Capabilities.HasFlag(ImapCapabilities.Move))
        {
            await source.MoveToAsync(uids, destination, cancellationToken).ConfigureAwait(false);
            return;
        }
        await source.CopyToAsync(uids, destination, cancellationToken).ConfigureAwait(false);
        await source.AddFlagsAsync(uids, MessageFlags.Deleted, silent: true, cancellationToken).ConfigureAwait(false);
        if (client.Capabilities.HasFlag(ImapCapabilities.UidPlus))
            await source.ExpungeAsync(uids, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the folder lets us set the keyword permanently (RFC 3501 §7.1: PERMANENTFLAGS with \* or the keyword).</summary>
    public static bool AllowsKeyword(IMailFolder folder, string keyword)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return folder.PermanentFlags.HasFlag(MessageFlags.UserDefined)
            || folder.PermanentKeywords.Any(k => string.Equals(k, keyword, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The highest UID in the open folder, 0 when it is empty (the last message's UID by FETCH, RFC 3501 §6.4.5).</summary>
    public static async Task<uint> HighestUidAsync(IMailFolder folder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (folder.Count == 0) return 0;
        var last = await folder.FetchAsync(folder.Count - 1, folder.Count - 1, MessageSummaryItems.UniqueId, cancellationToken).ConfigureAwait(false);
        return last.Count == 0 ? 0 : last.Max(s => s.UniqueId.Id);
    }

    private static string NamespacePrefix(FolderNamespace personal)
    {
        var prefix = personal.Path;
        return prefix.Length == 0 || prefix[^1] == personal.DirectorySeparator ? prefix : prefix + personal.DirectorySeparator;
    }
}
