namespace TicketWorker.Mail.Imap;

/// <summary>The state of a folder reported by SELECT or EXAMINE (RFC 3501 §6.3.1).</summary>
/// <param name="Name">The folder name as the caller gave it (decoded).</param>
/// <param name="IsReadOnly">True for EXAMINE or a server-side [READ-ONLY].</param>
/// <param name="UidValidity">UIDVALIDITY: when it changes, every cached UID of the folder is void.</param>
/// <param name="UidNext">UIDNEXT: the UID the next message will get at least (0 if not sent).</param>
/// <param name="Exists">Number of messages.</param>
/// <param name="Recent">Number of \Recent messages.</param>
/// <param name="Flags">Flags defined in the folder (FLAGS response).</param>
/// <param name="PermanentFlags">Flags the client can store permanently.</param>
/// <param name="AllowsNewKeywords">True when PERMANENTFLAGS contains \* (new keywords such as $Ticketed may be created).</param>
public sealed record FolderInfo(
    string Name,
    bool IsReadOnly,
    uint UidValidity,
    uint UidNext,
    uint Exists,
    uint Recent,
    IReadOnlyList<string> Flags,
    IReadOnlyList<string> PermanentFlags,
    bool AllowsNewKeywords);
