using System.Text;
using TicketWorker.Mail.Encodings;

namespace TicketWorker.Mail.Imap;

public sealed partial class ImapClient
{
    /// <summary>Selects a folder read-write (RFC 3501 §6.3.1).</summary>
    public Task<FolderInfo> SelectAsync(string folder, CancellationToken cancellationToken = default) =>
        OpenFolderAsync(folder, "SELECT", cancellationToken);

    /// <summary>Selects a folder read-only (RFC 3501 §6.3.2).</summary>
    public Task<FolderInfo> ExamineAsync(string folder, CancellationToken cancellationToken = default) =>
        OpenFolderAsync(folder, "EXAMINE", cancellationToken);

    private Task<FolderInfo> OpenFolderAsync(string folder, string verb, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return RunAsync(async (engine, ct) =>
        {
            // A failed SELECT leaves no folder selected (RFC 3501 §6.3.1), so the state starts fresh.
            engine.Folder = new SelectedFolderState(folder) { IsReadOnly = verb == "EXAMINE" };
            engine.Changes = new MailboxChanges();
            try
            {
                await engine.RunAsync(new ImapCommand(verb).Mailbox(folder), null, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (ImapErrors.IsCommandFailure(e))
            {
                engine.Folder = null;
                throw;
            }
            // The SELECT's own EXISTS is the starting point, not news for the next IDLE.
            engine.Changes = new MailboxChanges();
            return engine.Folder.ToInfo();
        }, cancellationToken);
    }

    /// <summary>Lists folders matching the pattern (RFC 3501 §6.3.8); names are decoded from modified UTF-7.</summary>
    public Task<IReadOnlyList<ImapFolder>> ListAsync(string pattern = "*", string reference = "", CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<ImapFolder>>(async (engine, ct) =>
        {
            var result = new List<ImapFolder>();
            var command = new ImapCommand("LIST").AString(ModifiedUtf7.Encode(reference)).AString(ModifiedUtf7.Encode(pattern));
            await engine.RunAsync(command, async (response, token) =>
            {
                if (response.Keyword != "LIST")
                    return false;
                result.Add(await ReadListResponseAsync(engine, token).ConfigureAwait(false));
                return true;
            }, ct).ConfigureAwait(false);
            return result;
        }, cancellationToken);

    // mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox (RFC 3501 §9)
    private static async ValueTask<ImapFolder> ReadListResponseAsync(ImapEngine engine, CancellationToken cancellationToken)
    {
        var attributes = await engine.ReadStringListAsync(cancellationToken).ConfigureAwait(false);
        var delimiterToken = await engine.Reader.ReadTokenAsync(cancellationToken).ConfigureAwait(false);
        char? delimiter = delimiterToken.Type == ImapTokenType.QuotedString && delimiterToken.Value!.Length == 1
            ? delimiterToken.Value[0]
            : null;
        var nameToken = await engine.Reader.ReadTokenAsync(cancellationToken).ConfigureAwait(false);
        var raw = nameToken.Type switch
        {
            ImapTokenType.Atom or ImapTokenType.QuotedString => nameToken.Value!,
            ImapTokenType.Nil => "NIL",
            ImapTokenType.Literal => Encoding.UTF8.GetString(await engine.Reader.ReadLiteralAsync(nameToken.Length, cancellationToken).ConfigureAwait(false)),
            _ => throw ImapErrors.Violation($"unexpected {nameToken} as a folder name"),
        };
        await engine.Reader.SkipLineAsync(cancellationToken).ConfigureAwait(false); // LIST-EXTENDED data, if any
        var name = raw.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? "INBOX" : ModifiedUtf7.Decode(raw);
        return new ImapFolder(name, delimiter, attributes);
    }

    /// <summary>Creates a folder (RFC 3501 §6.3.3).</summary>
    public Task CreateFolderAsync(string folder, CancellationToken cancellationToken = default) =>
        SimpleFolderCommandAsync("CREATE", folder, cancellationToken);

    /// <summary>Deletes a folder (RFC 3501 §6.3.4).</summary>
    public Task DeleteFolderAsync(string folder, CancellationToken cancellationToken = default) =>
        SimpleFolderCommandAsync("DELETE", folder, cancellationToken);

    private Task SimpleFolderCommandAsync(string verb, string folder, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return RunAsync(async (engine, ct) =>
        {
            await engine.RunAsync(new ImapCommand(verb).Mailbox(folder), null, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Removes \Deleted messages: only the given UIDs with UID EXPUNGE (RFC 4315 §2.1) when set,
    /// otherwise every \Deleted message of the folder (RFC 3501 §6.4.3).
    /// </summary>
    public Task<MailboxChanges> ExpungeAsync(UidSet? uids = null, CancellationToken cancellationToken = default) =>
        RunAsync(async (engine, ct) =>
        {
            RequireSelected(engine);
            engine.Changes = new MailboxChanges();
            ImapCommand command;
            if (uids is null)
            {
                command = new ImapCommand("EXPUNGE");
            }
            else
            {
                RequireCapability(engine, ImapCapabilities.UidPlus, "UID EXPUNGE");
                command = new ImapCommand("UID EXPUNGE").Raw(uids.ToString());
            }
            await engine.RunAsync(command, FlagUpdateHandler(engine), ct).ConfigureAwait(false);
            return engine.Changes;
        }, cancellationToken);

    /// <summary>
    /// Leaves the selected folder: UNSELECT (RFC 3691) when offered, which keeps \Deleted messages,
    /// otherwise CLOSE (RFC 3501 §6.4.2), which expunges them silently.
    /// </summary>
    public Task CloseFolderAsync(CancellationToken cancellationToken = default) =>
        RunAsync(async (engine, ct) =>
        {
            RequireSelected(engine);
            var verb = engine.Capabilities.HasFlag(ImapCapabilities.Unselect) ? "UNSELECT" : "CLOSE";
            await engine.RunAsync(new ImapCommand(verb), null, ct).ConfigureAwait(false);
            engine.Folder = null;
            return true;
        }, cancellationToken);

    private static void RequireSelected(ImapEngine engine)
    {
        if (engine.Folder is null)
            throw new InvalidOperationException("no folder is selected");
    }

    private static void RequireCapability(ImapEngine engine, ImapCapabilities capability, string what)
    {
        if (!engine.Capabilities.HasFlag(capability))
            throw new NotSupportedException($"the server does not offer {capability}, needed for {what}");
    }
}
